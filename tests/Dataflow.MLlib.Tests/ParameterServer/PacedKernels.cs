using System.Collections.Concurrent;
using Dataflow.Execution;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.ParameterServer;

/// <summary>
/// The SIMD kernels, except that a partition's binary logistic call waits while that partition is more than
/// <paramref name="lead"/> calls ahead of the slowest: workers of equal speed, as equal machines give, instead of what four
/// threads on a loaded two-core machine give (one descheduled for a time slice falls 100 clocks behind). The pacing is
/// in the test's kernels, not in the parameter server, which never makes an ASP read wait.
/// </summary>
public sealed class PacedKernels(string key, int partitions, int lead) : BinaryLogisticHookKernels
{
    private static readonly ConcurrentDictionary<string, Pacer> s_pacers = new();

    public override string Name => "paced";

    protected override void BeforeBinaryLogistic() =>
        s_pacers.GetOrAdd(key, _ => new Pacer(partitions)).Arrive(TaskContext.Current!.PartitionId, lead);

    private sealed class Pacer(int partitions)
    {
        private readonly object _lock = new(); // a monitor: Wait and PulseAll
        private readonly int[] _calls = new int[partitions];

        public void Arrive(int partition, int lead)
        {
            lock (_lock)
            {
                _calls[partition]++;
                Monitor.PulseAll(_lock);
                while (_calls[partition] - _calls.Min() > lead)
                {
                    Monitor.Wait(_lock);
                }
            }
        }
    }
}

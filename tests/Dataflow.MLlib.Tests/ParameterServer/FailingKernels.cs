using System.Collections.Concurrent;
using Dataflow.Execution;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.ParameterServer;

/// <summary>The SIMD kernels, except that partition <paramref name="partition"/>'s <paramref name="call"/>-th binary logistic
/// call of the first task attempt throws: a worker lost mid-training.</summary>
public sealed class FailingKernels(string key, int partition, int call) : BinaryLogisticHookKernels
{
    private static readonly ConcurrentDictionary<string, int> s_calls = new();

    public override string Name => "failing";

    protected override void BeforeBinaryLogistic()
    {
        var task = TaskContext.Current!;
        if (task.PartitionId == partition && task.AttemptNumber == 0 && s_calls.AddOrUpdate(key, 1, (_, n) => n + 1) == call)
        {
            throw new InvalidOperationException($"worker {partition} lost at its call {call}");
        }
    }
}

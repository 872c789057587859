using System.Collections.Concurrent;
using Dataflow.Execution;
using Dataflow.Scheduling;
using Dataflow.Serialization;

namespace Dataflow.Tests.Support;

/// <summary>
/// Runs tasks on local executor threads, but only after a round trip through the bytes a cluster worker would get:
/// each stage's task binary is serialised once and deserialised under the driver's type policy, every task is derived
/// from it by partition, and every result goes through the result codec. What passes here serialises on a cluster.
/// </summary>
internal sealed class SerializingBackend(int threads, ExecutionEnvironment environment) : ISchedulerBackend
{
    private readonly LocalBackend _local = new(threads, environment);
    private readonly TypeResolutionPolicy _policy = TypeResolutionPolicy.ForDriver();
    private readonly ConcurrentDictionary<(int Stage, int Attempt), Lazy<StageTask>> _binaries = new();

    public int DefaultParallelism => _local.DefaultParallelism;

    public async Task<TaskResult> RunTaskAsync(TaskDescription task, CancellationToken cancellationToken)
    {
        var template = _binaries.GetOrAdd((task.StageId, task.StageAttempt),
            _ => new Lazy<StageTask>(() => TaskBinary.Deserialize(TaskBinary.Serialize(task.Task), _policy))).Value;
        var result = await _local.RunTaskAsync(task with { Task = template.ForPartition(task.PartitionId) }, cancellationToken);
        return TaskResultCodec.Deserialize(TaskResultCodec.Serialize(result), task, _policy);
    }

    public ValueTask DisposeAsync() => _local.DisposeAsync();
}

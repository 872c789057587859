using Dataflow.Scheduling;

namespace Dataflow.Execution;

/// <summary>
/// The running task of a barrier stage (<see cref="Rdd.Barrier{T}"/>): every task of the stage runs at the same
/// time, and <see cref="Barrier"/> (or <see cref="BarrierAsync"/>) blocks until all of them have called it, so tasks
/// can work in lock step, as the workers of a parameter server do. Every task must call it the same number of times.
/// </summary>
/// <remarks>Spark: BarrierTaskContext</remarks>
public sealed class BarrierTaskContext
{
    private readonly BarrierCoordinator? _coordinator;
    private readonly BarrierLaunch _launch;
    private int _round;

    private BarrierTaskContext(TaskContext task, BarrierLaunch launch, BarrierCoordinator? coordinator)
    {
        TaskContext = task;
        NumTasks = launch.NumTasks;
        _launch = launch;
        _coordinator = coordinator;
    }

    /// <summary>The partition the task computes.</summary>
    public int PartitionId => TaskContext.PartitionId;

    /// <summary>How many tasks the stage runs together (its partitions).</summary>
    public int NumTasks { get; }

    /// <summary>The plain task context (attempt, cancellation, completion callbacks).</summary>
    public TaskContext TaskContext { get; }

    /// <summary>Blocks until every task of this launch of the stage has called <see cref="Barrier"/> as often as this one.</summary>
    /// <remarks>Spark: barrier()</remarks>
    public void Barrier() => ArriveAsync(TaskContext.CancellationToken).GetAwaiter().GetResult();

    /// <summary>As <see cref="Barrier"/>, for async code: completes when every task has arrived.</summary>
    public Task BarrierAsync(CancellationToken cancellationToken = default)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return ArriveAsync(TaskContext.CancellationToken);
        }

        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, TaskContext.CancellationToken);
        var arrived = ArriveAsync(linked.Token);
        _ = arrived.ContinueWith(static (_, state) => ((CancellationTokenSource)state!).Dispose(), linked, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return arrived;
    }

    private Task ArriveAsync(CancellationToken cancellationToken)
    {
        // Counted per task, so that a coordinator in another process can tell a repeated arrival from the next one.
        var round = _round++;
        return _coordinator is { } local
            ? local.ArriveAsync(cancellationToken)
            : TaskContext.Environment.RemoteBarrier!(
                new BarrierArrival(TaskContext.StageId, TaskContext.StageAttempt, _launch.Epoch, _launch.NumTasks, TaskContext.PartitionId, round), cancellationToken);
    }

    /// <summary>The barrier context of <paramref name="task"/>, which must belong to a barrier stage.</summary>
    internal static BarrierTaskContext For(TaskContext task)
    {
        var launch = task.Description.Barrier ?? throw new InvalidOperationException(
            $"Task {task.TaskAttemptId} of stage {task.StageId} is not part of a barrier stage; a barrier RDD must be computed by its own stage (do not cache it and read it elsewhere).");
        if (task.Environment.RemoteBarrier is not null)
        {
            return new BarrierTaskContext(task, launch, coordinator: null);
        }

        var key = (task.StageId, task.StageAttempt, launch.Epoch);
        var coordinator = task.Environment.Barriers.Join(key, launch.NumTasks);
        task.AddTaskCompletionListener(t => t.Environment.Barriers.Leave(key));
        return new BarrierTaskContext(task, launch, coordinator);
    }
}

using System.Diagnostics;
using Dataflow.Scheduling;

namespace Dataflow.Execution;

/// <summary>Runs a task attempt on the current (executor) thread and packages its outcome with metrics.</summary>
internal static class TaskRunner
{
    /// <summary>
    /// Runs <paramref name="description"/>; user exceptions become a failed <see cref="TaskResult"/>. Throws
    /// <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> was cancelled.
    /// </summary>
    public static TaskResult Run(TaskDescription description, ExecutionEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(description);
        var context = new TaskContext(description, environment, cancellationToken);
        var previous = TaskContext.SetCurrent(context);
        var gcBefore = GC.GetTotalPauseDuration();
        var start = Stopwatch.GetTimestamp();
        object? value = null;
        Exception? error = null;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            value = description.Task.Run(context);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            RunCallbacks(context, ref error);
            TaskContext.SetCurrent(previous);
            throw;
        }
        catch (Exception e)
        {
            error = e;
        }

        RunCallbacks(context, ref error);
        TaskContext.SetCurrent(previous);
        context.Metrics.Duration = Stopwatch.GetElapsedTime(start);
        context.Metrics.GcTime = GC.GetTotalPauseDuration() - gcBefore;
        return new TaskResult(description, error is null ? value : null, error, context.Metrics, environment.ExecutorId)
        {
            AccumulatorUpdates = error is null ? context.AccumulatorUpdates : [],
        };
    }

    private static void RunCallbacks(TaskContext context, ref Exception? error)
    {
        try
        {
            context.RunCompletionCallbacks();
        }
        catch (Exception e)
        {
            error ??= e;
        }
    }
}

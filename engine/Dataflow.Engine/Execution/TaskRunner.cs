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
            EndTask(context, ref error);
            TaskContext.SetCurrent(previous);
            throw;
        }
        catch (Exception e)
        {
            error = e;
        }

        EndTask(context, ref error);
        TaskContext.SetCurrent(previous);
        context.Metrics.Duration = Stopwatch.GetElapsedTime(start);
        context.Metrics.GcTime = GC.GetTotalPauseDuration() - gcBefore;
        return new TaskResult(description, error is null ? value : null, error, context.Metrics, environment.ExecutorId)
        {
            AccumulatorUpdates = error is null ? context.AccumulatorUpdates : [],
            StoredBlocks = context.StoredBlocks,
        };
    }

    /// <summary>
    /// Runs the completion callbacks, then releases the attempt's execution memory and deletes its spill files, so
    /// none outlives the task whatever its outcome; records the peak memory in the metrics.
    /// </summary>
    private static void EndTask(TaskContext context, ref Exception? error)
    {
        RunCallbacks(context, ref error);
        context.Metrics.PeakExecutionMemory = Math.Max(context.Metrics.PeakExecutionMemory, context.Memory.Peak);
        context.Memory.ReleaseAll();
        try
        {
            context.TempFiles.DeleteAll();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error ??= new IOException($"Task {context.TaskAttemptId} could not delete its spill files in {context.TempFiles.Directory}: {e.Message}", e);
        }
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

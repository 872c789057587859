using Dataflow.Execution;
using Dataflow.Scheduling;

namespace Dataflow.Tests.Support;

/// <summary>Task contexts for unit tests of the spillable structures, on a real context's executor environment.</summary>
internal static class TestTasks
{
    private static long s_nextId = 1L << 40;

    public static TaskContext Create(DataflowContext context, CancellationToken cancellationToken = default) =>
        new(new TaskDescription(Interlocked.Increment(ref s_nextId), 0, 0, 0, 0, 0, null!, []), context.Environment, cancellationToken);

    /// <summary>What the task runner does at task end: release the memory, delete the spill files.</summary>
    public static void End(TaskContext task)
    {
        task.Memory.ReleaseAll();
        task.TempFiles.DeleteAll();
    }

    public static int FilesOf(TaskContext task) =>
        Directory.Exists(task.TempFiles.Directory) ? Directory.GetFiles(task.TempFiles.Directory).Length : 0;
}

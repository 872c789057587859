namespace Dataflow.Storage;

/// <summary>
/// The spill and temporary files of one task attempt, all in a directory of their own that is deleted when the task
/// ends (success, failure or cancellation), so no such file outlives its task. Structures delete their files as soon
/// as they are merged; the directory deletion is the guarantee.
/// </summary>
internal sealed class TaskTempFiles
{
    private int _next;

    public TaskTempFiles(string spillRoot, long taskAttemptId)
    {
        Directory = Path.Combine(spillRoot, $"task-{taskAttemptId}");
    }

    /// <summary>The task's directory (created on first use).</summary>
    public string Directory { get; }

    /// <summary>Whether the task has ended and its files are gone.</summary>
    public bool IsDeleted { get; private set; }

    /// <summary>A new, unique file name in the task's directory (the file itself is not created).</summary>
    public string NewFile(string prefix)
    {
        if (IsDeleted)
        {
            throw new InvalidOperationException($"The task's temporary files in {Directory} were already deleted; the task has ended.");
        }

        System.IO.Directory.CreateDirectory(Directory);
        return Path.Combine(Directory, $"{prefix}-{_next++}.spill");
    }

    /// <summary>Deletes the directory and everything in it.</summary>
    public void DeleteAll()
    {
        IsDeleted = true;
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}

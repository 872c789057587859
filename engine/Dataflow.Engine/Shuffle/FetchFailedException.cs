namespace Dataflow.Shuffle;

/// <summary>
/// A reducer could not read a shuffle block (missing, or its executor is gone). Not a task failure: the scheduler
/// recomputes the lost map output and resubmits the reading stage.
/// </summary>
public sealed class FetchFailedException : Exception
{
    /// <summary>Creates the exception for a block.</summary>
    public FetchFailedException(ShuffleBlockId block, string executorId, string message, Exception? inner = null)
        : base($"Fetch of {block} from executor {executorId} failed: {message}", inner)
    {
        Block = block;
        ExecutorId = executorId;
    }

    /// <summary>Creates the exception (required by convention).</summary>
    public FetchFailedException() { ExecutorId = ""; }

    /// <summary>Creates the exception (required by convention).</summary>
    public FetchFailedException(string message) : base(message) { ExecutorId = ""; }

    /// <summary>Creates the exception (required by convention).</summary>
    public FetchFailedException(string message, Exception innerException) : base(message, innerException) { ExecutorId = ""; }

    /// <summary>The block that could not be read.</summary>
    public ShuffleBlockId Block { get; }

    /// <summary>The executor that should have served it.</summary>
    public string ExecutorId { get; }
}

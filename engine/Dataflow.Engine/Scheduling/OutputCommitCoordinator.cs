namespace Dataflow.Scheduling;

/// <summary>
/// Decides which attempt of an output partition may commit (rename its part file into place): the first attempt of
/// a running stage attempt that asks, and no other, unless that one fails or is killed before its task ends
/// successfully. With retries and speculative copies a partition's output is therefore written once. Thread-safe:
/// tasks ask from executor threads.
/// </summary>
/// <remarks>Spark: OutputCommitCoordinator</remarks>
internal sealed class OutputCommitCoordinator : IOutputCommitAuthority
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(int Stage, int Attempt), Dictionary<int, long>> _stages = [];

    /// <summary>Whether the attempt <paramref name="taskId"/> of <paramref name="partition"/> may commit; the same answer every time it asks.</summary>
    public bool CanCommit(int stageId, int stageAttempt, int partition, long taskId)
    {
        lock (_lock)
        {
            if (!_stages.TryGetValue((stageId, stageAttempt), out var authorised))
            {
                // The stage attempt has ended: whatever still runs of it is a leftover.
                return false;
            }

            if (authorised.TryGetValue(partition, out var holder))
            {
                return holder == taskId;
            }

            authorised.Add(partition, taskId);
            return true;
        }
    }

    internal void StageStarted(int stageId, int stageAttempt)
    {
        lock (_lock)
        {
            _stages.TryAdd((stageId, stageAttempt), []);
        }
    }

    internal void StageEnded(int stageId, int stageAttempt)
    {
        lock (_lock)
        {
            _stages.Remove((stageId, stageAttempt));
        }
    }

    /// <summary>An attempt ended without succeeding: if it held the partition's authorisation, another attempt may take it.</summary>
    internal void AttemptFailed(int stageId, int stageAttempt, int partition, long taskId)
    {
        lock (_lock)
        {
            if (_stages.TryGetValue((stageId, stageAttempt), out var authorised) && authorised.TryGetValue(partition, out var holder) && holder == taskId)
            {
                authorised.Remove(partition);
            }
        }
    }

    /// <summary>Stage attempts tracked now (for tests: none may be left behind).</summary>
    internal int TrackedStageCount
    {
        get
        {
            lock (_lock)
            {
                return _stages.Count;
            }
        }
    }
}

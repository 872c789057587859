namespace Dataflow.Scheduling;

/// <summary>What the task scheduler made of an ended attempt.</summary>
internal enum TaskOutcome
{
    /// <summary>It succeeded and its result is the partition's.</summary>
    Succeeded,

    /// <summary>It succeeded after another attempt of the partition had (or its set was aborted): output discarded.</summary>
    Discarded,

    /// <summary>It failed; counted against the task.</summary>
    Failed,

    /// <summary>It was killed (its set ended or another attempt won).</summary>
    Killed,

    /// <summary>Its executor was lost, or it read a lost map output: not counted against the task.</summary>
    NotCounted,
}

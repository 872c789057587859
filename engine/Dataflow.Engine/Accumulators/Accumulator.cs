namespace Dataflow.Accumulators;

/// <summary>
/// The untyped side of an accumulator: its identity and the operations the engine needs to give each task its own
/// zero copy and to merge task copies into the driver's value exactly once.
/// </summary>
/// <remarks>Spark: AccumulatorV2</remarks>
public abstract class Accumulator
{
    private protected Accumulator()
    {
    }

    /// <summary>The id given when the accumulator was registered with a context (-1 before).</summary>
    public long Id { get; internal set; } = -1;

    /// <summary>The name given at registration (shown in events and the UI).</summary>
    public string? Name { get; internal set; }

    /// <summary>Whether the value equals the zero value.</summary>
    public abstract bool IsZero { get; }

    /// <summary>A new accumulator of the same kind holding the zero value (a task's private copy).</summary>
    internal abstract Accumulator CopyZero();

    /// <summary>Folds another copy's contribution into this one.</summary>
    internal abstract void MergeUntyped(Accumulator other);
}

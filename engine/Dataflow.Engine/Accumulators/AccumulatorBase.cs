using Dataflow.Execution;

namespace Dataflow.Accumulators;

/// <summary>
/// An accumulator that adds <typeparamref name="TIn"/> values and exposes a <typeparamref name="TOut"/> result. Tasks
/// add to a private zero copy; when a task succeeds its copy is merged into the driver's accumulator, once per
/// partition per job: retried, speculative or recomputed attempts do not add again. Subclass it for your own
/// accumulators: implement <see cref="CreateZero"/>, <see cref="AddValue"/>, <see cref="Merge"/>,
/// <see cref="Value"/> and <see cref="Accumulator.IsZero"/>.
/// </summary>
/// <example><code>
/// var blankLines = ctx.LongAccumulator("blank lines");
/// var words = lines.SelectMany(line => { if (line.Length == 0) blankLines.Add(1); return line.Split(' '); });
/// await words.CountAsync();
/// Console.WriteLine(blankLines.Value);
/// </code></example>
/// <remarks>Spark: AccumulatorV2</remarks>
public abstract class AccumulatorBase<TIn, TOut> : Accumulator
{
    private readonly Lock _lock = new();

    /// <summary>The accumulated value (on the driver: every merged contribution).</summary>
    public abstract TOut Value { get; }

    /// <summary>
    /// Adds a value: inside a task to the task's private copy, on the driver directly.
    /// </summary>
    public void Add(TIn value)
    {
        if (TaskContext.Current is { } task && Id >= 0)
        {
            ((AccumulatorBase<TIn, TOut>)task.LocalAccumulator(this)).AddValue(value);
            return;
        }

        lock (_lock)
        {
            AddValue(value);
        }
    }

    /// <summary>A new accumulator of the same kind and settings, holding the zero value.</summary>
    protected abstract AccumulatorBase<TIn, TOut> CreateZero();

    /// <summary>Adds one value to this instance (called by one thread at a time).</summary>
    protected abstract void AddValue(TIn value);

    /// <summary>Merges <paramref name="other"/>'s contribution into this instance (called by one thread at a time).</summary>
    protected abstract void Merge(AccumulatorBase<TIn, TOut> other);

    internal sealed override Accumulator CopyZero()
    {
        var copy = CreateZero();
        copy.Id = Id;
        copy.Name = Name;
        return copy;
    }

    internal sealed override void MergeUntyped(Accumulator other)
    {
        lock (_lock)
        {
            Merge((AccumulatorBase<TIn, TOut>)other);
        }
    }
}

using Dataflow.Dependencies;
using Dataflow.Execution;

namespace Dataflow.Rdds;

/// <summary>
/// Every pair of an element of the first RDD and an element of the second, without a shuffle: partition
/// <c>i * n + j</c> pairs partition <c>i</c> of the first with partition <c>j</c> of the second (<c>n</c> partitions).
/// </summary>
/// <remarks>Spark: CartesianRDD</remarks>
internal sealed class CartesianRdd<TFirst, TSecond> : Rdd<(TFirst First, TSecond Second)>
{
    private Rdd<TFirst> _first;
    private Rdd<TSecond> _second;

    public CartesianRdd(Rdd<TFirst> first, Rdd<TSecond> second, CallSite callSite)
        : base(first.Context, [new CartesianDependency(first, second, isFirst: true), new CartesianDependency(second, second, isFirst: false)], callSite)
    {
        _first = first;
        _second = second;
    }

    private protected override IReadOnlyList<string> PreferredLocationsCore(Partition partition)
    {
        var (i, j) = Split(partition.Index);
        return [.. _first.GetPreferredLocations(_first.Partitions[i]).Union(_second.GetPreferredLocations(_second.Partitions[j]), StringComparer.Ordinal)];
    }

    /// <summary>Drops the references to the parents once the RDD is checkpointed, so that their lineage can be collected.</summary>
    private protected override void ClearDependencies()
    {
        _first = null!;
        _second = null!;
    }

    protected override Partition[] GetPartitions()
    {
        var count = (long)_first.NumPartitions * _second.NumPartitions;
        if (count > Array.MaxLength)
        {
            throw new InvalidOperationException(
                $"{CallSite}: {_first.NumPartitions} x {_second.NumPartitions} partitions is too many; Coalesce the inputs first.");
        }

        return ShufflePartitions.Create((int)count);
    }

    protected internal override IEnumerable<(TFirst First, TSecond Second)> Compute(Partition split, TaskContext context)
    {
        var (i, j) = Split(split.Index);

        // The second partition is read once and kept, rather than recomputed for every element of the first.
        List<TSecond>? seconds = null;
        foreach (var x in _first.Iterator(_first.Partitions[i], context))
        {
            seconds ??= [.. _second.Iterator(_second.Partitions[j], context)];
            foreach (var y in seconds)
            {
                yield return (x, y);
            }
        }
    }

    private (int First, int Second) Split(int index) => (index / _second.NumPartitions, index % _second.NumPartitions);
}

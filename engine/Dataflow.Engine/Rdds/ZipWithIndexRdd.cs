using Dataflow.Execution;
using Dataflow.Scheduling;

namespace Dataflow.Rdds;

/// <summary>
/// Pairs each element with its position in the whole RDD (partition order, then position in the partition). The
/// index of a partition's first element is the number of elements before it, so the scheduler prepares this RDD
/// with a job that counts every partition but the last, just before the first job that reads it; building the RDD
/// runs nothing, and a single partition needs no count.
/// </summary>
/// <remarks>Spark: ZippedWithIndexRDD</remarks>
internal sealed class ZipWithIndexRdd<T> : Rdd<(T Value, long Index)>, IRequiresPreparation
{
    private Rdd<T> _parent;
    private readonly Lock _lock = new();
    private long[]? _startIndices;

    public ZipWithIndexRdd(Rdd<T> parent, CallSite callSite)
        : base(parent, callSite) => _parent = parent;

    bool IRequiresPreparation.IsPrepared => Volatile.Read(ref _startIndices) is not null;

    private protected override IReadOnlyList<string> PreferredLocationsCore(Partition partition) => _parent.GetPreferredLocations(partition);

    async Task IRequiresPreparation.PrepareAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _startIndices) is not null)
        {
            return;
        }

        EnsurePartitions(_parent);
        var count = _parent.NumPartitions;
        var starts = new long[count];
        if (count > 1)
        {
            // The last partition's size never matters: no partition starts after it.
            var sizes = new long[count - 1];
            await Context.RunJobAsync(_parent, static (_, items) => items.LongCount(), [.. Enumerable.Range(0, count - 1)],
                (p, n) => sizes[p] = n, CallSite with { Operation = $"{CallSite.Operation} (count)" }, cancellationToken).ConfigureAwait(false);
            for (var i = 1; i < count; i++)
            {
                starts[i] = starts[i - 1] + sizes[i - 1];
            }
        }

        lock (_lock)
        {
            _startIndices ??= starts;
        }
    }

    /// <summary>Drops the references to the parents once the RDD is checkpointed, so that their lineage can be collected.</summary>
    private protected override void ClearDependencies()
    {
        _parent = null!;
    }

    protected override Partition[] GetPartitions() => [.. _parent.Partitions];

    protected internal override IEnumerable<(T Value, long Index)> Compute(Partition split, TaskContext context)
    {
        var starts = Volatile.Read(ref _startIndices)
            ?? throw new InvalidOperationException($"{CallSite}: RDD {Id} was computed before its partition sizes were counted.");
        return Number(_parent.Iterator(split, context), starts[split.Index]);
    }

    private static IEnumerable<(T Value, long Index)> Number(IEnumerable<T> items, long start)
    {
        var index = start;
        foreach (var item in items)
        {
            yield return (item, index++);
        }
    }
}

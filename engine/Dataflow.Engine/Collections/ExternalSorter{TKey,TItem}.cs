using System.Runtime.InteropServices;
using Dataflow.Execution;
using Dataflow.Partitioning;
using Dataflow.Storage;

// Null keys never reach the dictionary (they live in _nullItem), so its notnull constraint holds.
#pragma warning disable CS8714

namespace Dataflow.Collections;

/// <summary>
/// Sorts and optionally combines records by (partition, key) within the task's memory, spilling sorted runs to disk
/// when refused memory and merging them at the end. The map side of every shuffle writes through one (partitioned by
/// the shuffle's partitioner, combining when the shuffle has map-side combine); the reduce side uses one-partition
/// sorters to order by key (<c>SortByKey</c>), to bring equal keys together for grouping, or to aggregate
/// (<see cref="ExternalAppendOnlyMap{TKey, TValue, TCombiner}"/>).
/// </summary>
/// <remarks>
/// <para>How it works: records go into a buffer (or, when combining, a hash map that folds each value into its key's
/// combiner). After each batch the estimated size (<see cref="SizeTracker{T}"/>) is reserved from the task's
/// memory; when that is refused the contents are sorted and written as a run file, and the memory released. At the
/// end the runs are merged (at most <see cref="MaxMergeFanIn"/> at a time, with intermediate runs beyond that), and
/// combiners of equal keys from different runs are merged.</para>
/// <para>Order within a partition: by <see cref="SortOrder.Key"/> with the given comparer, or by
/// <see cref="SortOrder.Hash"/>, the key's <see cref="EqualityComparer{T}.Default"/> hash, which puts equal keys
/// next to each other so they can be combined or grouped in one pass. That hash is consistent with the equality the
/// maps use and never leaves the task (runs are task-private), so the process-randomised string hash is fine here;
/// placement across processes uses <see cref="StableHash"/> through the partitioner.</para>
/// <para>Spark: ExternalSorter</para>
/// </remarks>
internal sealed partial class ExternalSorter<TKey, TItem> : MemoryConsumer, IDisposable
{
    /// <summary>The most runs merged at once; more are first merged into intermediate runs.</summary>
    public const int MaxMergeFanIn = 32;

    // A buffered record costs a partition id too; a map entry a hash-table entry and bucket.
    private const long BufferOverhead = 8;
    private const long MapOverhead = 24;

    private readonly Partitioner? _partitioner;
    private readonly Func<TItem, TItem, TItem>? _mergeCombiners;
    private readonly IComparer<TKey>? _keyOrdering;
    private readonly SortOrder _order;
    private readonly string _name;
    private readonly SizeTracker<(int Partition, TKey Key, TItem Value)> _estimator;
    private readonly List<SpillRun<(int Partition, TKey Key, TItem Value)>> _runs = [];
    private List<(int Partition, TKey Key, TItem Value)> _buffer = [];
    private Dictionary<TKey, TItem> _map = new(KeyEquality<TKey>.Comparer);
    private bool _hasNull;
    private TItem _nullItem = default!;
    private bool _consumed;
    private List<(int Partition, TKey Key, TItem Value)>? _reading;
    private int _readIndex;
    private SpillRun<(int Partition, TKey Key, TItem Value)>? _readRest;

    private ExternalSorter(TaskContext context, Partitioner? partitioner, Func<TItem, TItem, TItem>? mergeCombiners,
        SortOrder order, IComparer<TKey>? keyOrdering, string name)
        : base(context)
    {
        _partitioner = partitioner;
        _mergeCombiners = mergeCombiners;
        _order = order;
        _keyOrdering = keyOrdering;
        _name = name;
        _estimator = new SizeTracker<(int, TKey, TItem)>(mergeCombiners is null ? BufferOverhead : MapOverhead);
    }

    /// <summary>How records are ordered within a partition.</summary>
    public enum SortOrder
    {
        /// <summary>Any order (partition order only).</summary>
        None,

        /// <summary>By the key's hash, so equal keys are adjacent.</summary>
        Hash,

        /// <summary>By the key comparer.</summary>
        Key,
    }

    /// <summary>Partitions in the task's output.</summary>
    public int NumPartitions => _partitioner?.NumPartitions ?? 1;

    /// <summary>Bytes written to spill files (runs and intermediate merges).</summary>
    public long SpilledBytes { get; private set; }

    /// <summary>The map side of a shuffle: records by partition, combined per key when <paramref name="mergeCombiners"/> is set.</summary>
    public static ExternalSorter<TKey, TItem> ForShuffle(TaskContext context, Partitioner partitioner, Func<TItem, TItem, TItem>? mergeCombiners) =>
        new(context, partitioner, mergeCombiners, mergeCombiners is null ? SortOrder.None : SortOrder.Hash, null, "map");

    /// <summary>
    /// The map side of a sorting shuffle: by reduce partition, then by <paramref name="ordering"/> within each, so
    /// reducers merge the sorted blocks instead of sorting again.
    /// </summary>
    public static ExternalSorter<TKey, TItem> ForSortedShuffle(TaskContext context, Partitioner partitioner, IComparer<TKey> ordering) =>
        new(context, partitioner, null, SortOrder.Key, ordering, "map");

    /// <summary>One partition sorted by <paramref name="ordering"/>.</summary>
    public static ExternalSorter<TKey, TItem> ForOrdering(TaskContext context, IComparer<TKey> ordering) =>
        new(context, null, null, SortOrder.Key, ordering, "sort");

    /// <summary>One partition with equal keys adjacent (by hash), not combined: the input of grouping.</summary>
    public static ExternalSorter<TKey, TItem> ForGrouping(TaskContext context) =>
        new(context, null, null, SortOrder.Hash, null, "group");

    /// <summary>One partition, combined per key with <paramref name="mergeCombiners"/>.</summary>
    public static ExternalSorter<TKey, TItem> ForAggregation(TaskContext context, Func<TItem, TItem, TItem> mergeCombiners) =>
        new(context, null, mergeCombiners, SortOrder.Hash, null, "aggregate");

    private bool Combining => _mergeCombiners is not null;

    private int InMemoryCount => Combining ? _map.Count + (_hasNull ? 1 : 0) : _buffer.Count;

    /// <summary>Adds a record (a sorter that does not combine).</summary>
    public void Insert(TKey key, TItem item)
    {
        if (Combining || _consumed)
        {
            throw new InvalidOperationException(Combining ? "A combining sorter takes records through Combine." : "The sorter was already read.");
        }

        var record = (PartitionOf(key), key, item);
        _buffer.Add(record);
        if (_estimator.Update(record))
        {
            MaybeSpill();
        }
    }

    /// <summary>Folds <paramref name="value"/> into its key's combiner (a combining sorter).</summary>
    public void Combine<TValue>(TKey key, TValue value, Func<TValue, TItem> create, Func<TItem, TValue, TItem> merge)
    {
        if (!Combining || _consumed)
        {
            throw new InvalidOperationException(!Combining ? "Only a combining sorter takes Combine." : "The sorter was already read.");
        }

        TItem updated;
        if (key is null)
        {
            _nullItem = _hasNull ? merge(_nullItem, value) : create(value);
            _hasNull = true;
            updated = _nullItem;
        }
        else
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_map, key, out var exists);
            slot = exists ? merge(slot!, value) : create(value);
            updated = slot;
        }

        if (_estimator.Update((0, key, updated)))
        {
            MaybeSpill();
        }
    }

    /// <summary>Deletes the runs and releases the memory; the sorter cannot be used afterwards.</summary>
    public void Dispose()
    {
        _consumed = true;
        foreach (var run in _runs)
        {
            run.Delete();
        }

        _runs.Clear();
        _readRest?.Delete();
        _readRest = null;
        _reading = null;
        Context.Memory.RemoveSpillable(this);
        _buffer = [];
        _map = new(KeyEquality<TKey>.Comparer);
        _hasNull = false;
        _nullItem = default!;
        ReleaseMemory();
    }

    private void MaybeSpill()
    {
        if (!TryReserve(_estimator.Estimate(InMemoryCount)))
        {
            Spill();
        }
    }

    /// <summary>Writes the in-memory records as a sorted run and releases their memory.</summary>
    private void Spill()
    {
        if (InMemoryCount == 0)
        {
            return;
        }

        var sorted = DrainSorted(forMerge: true);
        var run = SpillRun<(int, TKey, TItem)>.Write(Context, _name, sorted);
        _runs.Add(run);
        SpilledBytes += run.Bytes;
        RecordSpill(run.Bytes);
        ReleaseMemory();
        _estimator.CheckNext();
        Context.CancellationToken.ThrowIfCancellationRequested();
    }

    private int PartitionOf(TKey key) => _partitioner?.CheckedPartition(key) ?? 0;

    private static int HashOf(TKey key) => key is null ? 0 : KeyEquality<TKey>.Comparer.GetHashCode(key);
}

using Dataflow.Scheduling;

namespace Dataflow.Partitioning;

/// <summary>
/// Assigns keys to partitions by sorted ranges whose bounds are chosen from a sample of the data, so that a sort
/// produces partitions of roughly equal size whose concatenation is ordered. Used by <c>SortByKey</c>. The sample is
/// taken lazily, by a small job run when the first action that needs the partitioner starts.
/// </summary>
/// <remarks>Spark: RangePartitioner</remarks>
public sealed class RangePartitioner<TKey> : Partitioner, IRequiresPreparation
{
    private const int SamplePointsPerPartition = 20;
    private const int MaxSampleSize = 1_000_000;

    private readonly Rdd<TKey> _keys;
    private readonly IComparer<TKey> _comparer;
    private readonly Lock _lock = new();
    private TKey[]? _bounds;

    internal RangePartitioner(int numPartitions, Rdd<TKey> keys, IComparer<TKey> comparer, bool ascending)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numPartitions);
        NumPartitions = numPartitions;
        _keys = keys;
        _comparer = comparer;
        Ascending = ascending;
    }

    /// <inheritdoc />
    public override int NumPartitions { get; }

    /// <summary>Whether partition 0 holds the smallest keys.</summary>
    public bool Ascending { get; }

    /// <summary>The upper bounds (inclusive) of each partition but the last, once sampled.</summary>
    public IReadOnlyList<TKey>? Bounds => _bounds;

    bool IRequiresPreparation.IsPrepared => _bounds is not null;

    /// <inheritdoc />
    public override int GetPartition<T>(T key)
    {
        var bounds = _bounds ?? throw new InvalidOperationException("The range partitioner has not sampled its input yet.");
        var k = (TKey)(object)key!;
        int lo = 0, hi = bounds.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_comparer.Compare(bounds[mid], k) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return Ascending ? lo : NumPartitions - 1 - lo;
    }

    async Task IRequiresPreparation.PrepareAsync(CancellationToken cancellationToken)
    {
        if (_bounds is not null)
        {
            return;
        }

        var sampleSize = Math.Min(SamplePointsPerPartition * NumPartitions, MaxSampleSize);
        var perPartition = (int)Math.Ceiling(3.0 * sampleSize / Math.Max(1, _keys.NumPartitions));
        var samples = new (TKey[] Sample, long Count)[_keys.NumPartitions];
        await _keys.Context.RunJobAsync(
            _keys,
            (task, items) => Reservoir(items, perPartition, task.PartitionId),
            null,
            (partition, sample) => samples[partition] = sample,
            CallSite.Internal("RangePartitioner sample"),
            cancellationToken).ConfigureAwait(false);
        var bounds = ChooseBounds(samples);
        lock (_lock)
        {
            _bounds ??= bounds;
        }
    }

    private TKey[] ChooseBounds((TKey[] Sample, long Count)[] samples)
    {
        var candidates = new List<(TKey Key, double Weight)>();
        foreach (var (sample, count) in samples)
        {
            if (sample.Length == 0)
            {
                continue;
            }

            var weight = (double)count / sample.Length;
            foreach (var key in sample)
            {
                candidates.Add((key, weight));
            }
        }

        candidates.Sort((a, b) => _comparer.Compare(a.Key, b.Key));
        var total = candidates.Sum(c => c.Weight);
        var step = total / NumPartitions;
        var bounds = new List<TKey>(NumPartitions - 1);
        double cumulative = 0;
        var target = step;
        foreach (var (key, weight) in candidates)
        {
            if (bounds.Count == NumPartitions - 1)
            {
                break;
            }

            cumulative += weight;
            if (cumulative >= target && (bounds.Count == 0 || _comparer.Compare(key, bounds[^1]) > 0))
            {
                bounds.Add(key);
                target += step;
            }
        }

        return [.. bounds];
    }

    private static (TKey[] Sample, long Count) Reservoir(IEnumerable<TKey> items, int size, int seed)
    {
        var random = new Random(seed);
        var reservoir = new List<TKey>(size);
        long seen = 0;
        foreach (var item in items)
        {
            if (reservoir.Count < size)
            {
                reservoir.Add(item);
            }
            else
            {
                var j = random.NextInt64(seen + 1);
                if (j < size)
                {
                    reservoir[(int)j] = item;
                }
            }

            seen++;
        }

        return ([.. reservoir], seen);
    }

    /// <inheritdoc />
    public override bool Equals(Partitioner? other) =>
        ReferenceEquals(this, other) ||
        (other is RangePartitioner<TKey> r && r.NumPartitions == NumPartitions && r.Ascending == Ascending &&
         _bounds is not null && r._bounds is not null && ReferenceEquals(_comparer, r._comparer) &&
         _bounds.AsSpan().SequenceEqual(r._bounds, EqualityComparer<TKey>.Default));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(NumPartitions, Ascending);
}

using System.Runtime.InteropServices;
using Dataflow.Serialization.Records;
using Dataflow.Shuffle;

namespace Dataflow.Collections;

internal sealed partial class ExternalSorter<TKey, TItem>
{
    /// <summary>Adds every record (a sorter that does not combine).</summary>
    public void InsertAll(IEnumerable<(TKey Key, TItem Value)> records)
    {
        foreach (var (key, item) in records)
        {
            Insert(key, item);
        }
    }

    /// <summary>
    /// The sorted (and combined) records of a one-partition sorter. Read once; the sorter disposes itself when the
    /// enumeration ends or is abandoned.
    /// </summary>
    public IEnumerable<(TKey Key, TItem Value)> Iterator()
    {
        try
        {
            foreach (var (_, key, item) in Merged())
            {
                yield return (key, item);
            }
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>
    /// Writes every partition's block to <paramref name="output"/> in partition order (empty blocks included) and
    /// disposes the sorter.
    /// </summary>
    public void WritePartitioned(IMapOutputWriter output)
    {
        try
        {
            var writer = new RecordBatchWriter<(TKey Key, TItem Value)>(output.Stream, Context.Environment.Compress);
            var token = Context.CancellationToken;
            var next = 0;
            var written = 0;
            foreach (var (partition, key, item) in Merged())
            {
                while (next < partition)
                {
                    writer.Flush();
                    output.EndPartition(next++);
                }

                writer.Write((key, item));
                if ((++written & 4095) == 0)
                {
                    token.ThrowIfCancellationRequested();
                }
            }

            while (next < NumPartitions)
            {
                writer.Flush();
                output.EndPartition(next++);
            }

            Context.Metrics.ShuffleWriteBytes += writer.BytesWritten;
            Context.Metrics.ShuffleWriteRecords += writer.RecordsWritten;
        }
        finally
        {
            Dispose();
        }
    }

    private IEnumerable<(int Partition, TKey Key, TItem Value)> Merged()
    {
        if (_consumed)
        {
            throw new InvalidOperationException("The sorter was already read.");
        }

        _consumed = true;
        if (_runs.Count == 0)
        {
            // Everything fit: sorted in place and read from memory, which stays reserved until the records are
            // consumed, unless a later operator of the task needs it (SpillOnRequest).
            _reading = DrainSorted(forMerge: false);
            _readIndex = 0;
            return ReadInMemory();
        }

        // Spill the rest too, so merging holds one frame per run instead of a sorted copy of the buffer.
        Spill();
        while (_runs.Count > MaxMergeFanIn)
        {
            var batch = _runs.GetRange(0, MaxMergeFanIn);
            _runs.RemoveRange(0, MaxMergeFanIn);
            var merged = SpillRun<(int, TKey, TItem)>.Write(Context, _name, MergeRuns(batch));
            foreach (var run in batch)
            {
                run.Delete();
            }

            _runs.Add(merged);
            SpilledBytes += merged.Bytes;
            RecordSpill(merged.Bytes);
        }

        return MergeRuns(_runs);
    }

    private IEnumerable<(int Partition, TKey Key, TItem Value)> MergeRuns(IReadOnlyList<SpillRun<(int Partition, TKey Key, TItem Value)>> runs)
    {
        var prefix = _keyOrdering is null ? null : SortPrefix<TKey>.For(_keyOrdering);
        var sources = new List<IEnumerable<(long SortKey, ulong Prefix, (int Partition, TKey Key, TItem Value) Record)>>(runs.Count);
        foreach (var run in runs)
        {
            sources.Add(run.Read().Select(record => (SortKey(record), prefix is null ? 0UL : prefix(record.Key), record)));
        }

        var merged = KWayMerge.Merge(sources, new MergeComparer(_keyOrdering));
        return Combining ? CombineAdjacent(merged) : merged.Select(static x => x.Record);
    }

    /// <summary>Merges the combiners of equal keys, which are adjacent (same partition and hash) in the merged runs.</summary>
    private IEnumerable<(int Partition, TKey Key, TItem Value)> CombineAdjacent(IEnumerable<(long SortKey, ulong Prefix, (int Partition, TKey Key, TItem Value) Record)> merged)
    {
        var merge = _mergeCombiners!;
        var comparer = KeyEquality<TKey>.Comparer;
        var pending = new List<(int Partition, TKey Key, TItem Value)>();
        long current = 0;
        foreach (var (sortKey, _, record) in merged)
        {
            if (sortKey != current && pending.Count > 0)
            {
                foreach (var done in pending)
                {
                    yield return done;
                }

                pending.Clear();
            }

            current = sortKey;
            var span = CollectionsMarshal.AsSpan(pending);
            var found = false;
            for (var i = 0; i < span.Length; i++)
            {
                if (comparer.Equals(span[i].Key, record.Key))
                {
                    span[i].Value = merge(span[i].Value, record.Value);
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                pending.Add(record);
            }
        }

        foreach (var done in pending)
        {
            yield return done;
        }
    }

    /// <summary>
    /// Empties the in-memory structure into a list sorted by partition, then by key when ordering, or by hash for a
    /// run to merge (<paramref name="forMerge"/>) and for grouping; a combining sorter's final records need no hash
    /// order, and a one-partition one then no sort at all.
    /// </summary>
    private List<(int Partition, TKey Key, TItem Value)> DrainSorted(bool forMerge)
    {
        List<(int Partition, TKey Key, TItem Value)> records;
        if (Combining)
        {
            records = new List<(int, TKey, TItem)>(InMemoryCount);
            if (_hasNull)
            {
                records.Add((PartitionOf(default!), default!, _nullItem));
            }

            foreach (var (key, item) in _map)
            {
                records.Add((PartitionOf(key), key, item));
            }

            _map = [];
            _hasNull = false;
            _nullItem = default!;
        }
        else
        {
            records = _buffer;
            _buffer = [];
        }

        var span = CollectionsMarshal.AsSpan(records);
        if (_order == SortOrder.Key)
        {
            var ordering = _keyOrdering!;
            if (SortPrefix<TKey>.For(ordering) is { } prefix)
            {
                return SortByPrefix(records, prefix, ordering);
            }

            span.Sort((x, y) => x.Partition != y.Partition ? x.Partition.CompareTo(y.Partition) : ordering.Compare(x.Key, y.Key));
        }
        else
        {
            var byHash = _order == SortOrder.Hash && (forMerge || !Combining);
            if (!byHash && NumPartitions == 1)
            {
                return records;
            }

            var keys = new long[span.Length];
            for (var i = 0; i < span.Length; i++)
            {
                keys[i] = byHash ? SortKey(span[i]) : span[i].Partition;
            }

            keys.AsSpan().Sort(span);
        }

        return records;
    }

    /// <summary>
    /// Sorts by (partition, key prefix) as integers, calling the comparer only where prefixes tie: small entries that
    /// stay in cache, instead of a comparer call that reads two keys for every comparison.
    /// </summary>
    private static List<(int Partition, TKey Key, TItem Value)> SortByPrefix(List<(int Partition, TKey Key, TItem Value)> records,
        Func<TKey, ulong> prefix, IComparer<TKey> ordering)
    {
        var span = CollectionsMarshal.AsSpan(records);
        var entries = new PrefixEntry[span.Length];
        for (var i = 0; i < span.Length; i++)
        {
            entries[i] = new PrefixEntry(span[i].Partition, prefix(span[i].Key), i);
        }

        entries.AsSpan().Sort(new PrefixEntryComparer(records, ordering));

        // Position i takes the record at entries[i].Index: apply the permutation in place, cycle by cycle, marking
        // placed positions with index -1, so no second buffer of records is needed.
        for (var i = 0; i < entries.Length; i++)
        {
            if (entries[i].Index < 0)
            {
                continue;
            }

            var first = span[i];
            var j = i;
            while (true)
            {
                var from = entries[j].Index;
                entries[j] = entries[j] with { Index = -1 };
                if (from == i)
                {
                    span[j] = first;
                    break;
                }

                span[j] = span[from];
                j = from;
            }
        }

        return records;
    }

    private readonly record struct PrefixEntry(int Partition, ulong Prefix, int Index);

    private readonly struct PrefixEntryComparer(List<(int Partition, TKey Key, TItem Value)> records, IComparer<TKey> ordering) : IComparer<PrefixEntry>
    {
        public int Compare(PrefixEntry x, PrefixEntry y)
        {
            if (x.Partition != y.Partition)
            {
                return x.Partition < y.Partition ? -1 : 1;
            }

            if (x.Prefix != y.Prefix)
            {
                return x.Prefix < y.Prefix ? -1 : 1;
            }

            return ordering.Compare(records[x.Index].Key, records[y.Index].Key);
        }
    }

    private long SortKey((int Partition, TKey Key, TItem Value) record) =>
        ((long)record.Partition << 32) | (_order == SortOrder.Hash ? (uint)HashOf(record.Key) : 0u);

    /// <summary>Orders merged records by partition and hash (or partition), then key prefix, then the key order.</summary>
    private sealed class MergeComparer(IComparer<TKey>? ordering) : IComparer<(long SortKey, ulong Prefix, (int Partition, TKey Key, TItem Value) Record)>
    {
        public int Compare((long SortKey, ulong Prefix, (int Partition, TKey Key, TItem Value) Record) x, (long SortKey, ulong Prefix, (int Partition, TKey Key, TItem Value) Record) y)
        {
            var c = x.SortKey.CompareTo(y.SortKey);
            if (c != 0 || ordering is null)
            {
                return c;
            }

            c = x.Prefix.CompareTo(y.Prefix);
            return c != 0 ? c : ordering.Compare(x.Record.Key, y.Record.Key);
        }
    }
}

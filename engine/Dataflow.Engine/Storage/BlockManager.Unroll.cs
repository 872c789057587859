using System.Runtime.CompilerServices;
using Dataflow.Execution;
using Dataflow.Serialization.Records;

namespace Dataflow.Storage;

/// <content>
/// Unrolling: computing a block into memory under step-wise storage reservations, and what happens to a block that
/// does not fit (streamed to disk, or handed back uncached) so that no partition has to be held whole.
/// </content>
internal sealed partial class BlockManager
{
    // Unrolling a block reserves 1.5 times its estimated size (at least 1 MiB, Spark's
    // spark.storage.unrollMemoryThreshold) whenever the estimate passes what is reserved.
    private const long InitialUnrollBytes = 1024 * 1024;
    private const double UnrollGrowth = 1.5;
    private const int ListSlot = 8;
    private const long MaxSerializedBlockBytes = 1L << 30;

    /// <summary>
    /// Computes a block into memory while reserving storage memory for it step by step (Spark's unrolling). If the
    /// block fits, it is stored in memory; if a reservation is refused (after evicting other RDDs' blocks), a level
    /// that allows disk streams what was unrolled and the rest of the computation to disk, and a memory-only level
    /// returns the records uncached, so a partition larger than memory never has to be held whole to be cached.
    /// </summary>
    private IEnumerable<T> Unroll<T>(RddBlockId id, StorageLevel level, Func<IEnumerable<T>> compute, TaskContext context)
    {
        var records = new List<T>();
        var tracker = new SizeTracker<T>(ListSlot);
        var source = compute().GetEnumerator();
        long reserved = 0;
        var fits = true;
        try
        {
            while (fits && source.MoveNext())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                var record = source.Current;
                records.Add(record);
                if (tracker.Update(record) && tracker.Estimate(records.Count) is var estimate && estimate > reserved)
                {
                    fits = Grow(id, estimate, ref reserved);
                }
            }

            if (fits)
            {
                // Sized afresh from evenly spaced records: the running estimate decided when to reserve, not the size.
                var size = SizeEstimator.Estimate(records);
                fits = size <= reserved || Reserve(id, size - reserved);
                if (fits)
                {
                    ReleaseUnroll(reserved - size);
                    reserved = 0;
                    StoreInMemory(id, level, records, size);
                    context.RecordStoredBlock(id);
                    return records;
                }
            }

            var release = HoldUntilReleased(ref reserved);
            if (level.UseDisk)
            {
                return ContinueOnDisk<T>(id, stream => WriteRecords(stream, Drain(records, source, release, context)), release, context);
            }

            // Memory only and too big: hand the records over uncached, holding the unroll memory until they are read
            // (or the task ends, if they never are).
            var rest = source;
            source = null;
            context.AddTaskCompletionListener(_ =>
            {
                release();
                rest.Dispose();
            });
            return Drain(records, rest, release, context);
        }
        finally
        {
            ReleaseUnroll(reserved);
            source?.Dispose();
        }
    }

    /// <summary>
    /// The unrolled records then the rest of the computation; the unrolled ones are dropped once passed, when
    /// <paramref name="release"/> (idempotent) returns their memory.
    /// </summary>
    private static IEnumerable<T> Drain<T>(List<T> unrolled, IEnumerator<T> rest, Action release, TaskContext context)
    {
        try
        {
            foreach (var record in unrolled)
            {
                yield return record;
            }

            unrolled.Clear();
            unrolled.TrimExcess();
            release();
            while (rest.MoveNext())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                yield return rest.Current;
            }
        }
        finally
        {
            release();
            rest.Dispose();
        }
    }

    /// <summary>
    /// Raises an unrolling block's reservation to cover <paramref name="needed"/> bytes: room to grow (1.5 times, at
    /// least 1 MiB) if the pool has it, else exactly what is needed; false when not even that can be had.
    /// </summary>
    private bool Grow(RddBlockId id, long needed, ref long reserved)
    {
        var more = Math.Max(InitialUnrollBytes, (long)(needed * UnrollGrowth)) - reserved;
        if (!Reserve(id, more) && !Reserve(id, more = needed - reserved))
        {
            return false;
        }

        reserved += more;
        return true;
    }

    /// <summary>
    /// A block that did not fit in memory: <paramref name="write"/> puts what was unrolled and the rest of the
    /// computation into its file; the unroll memory is released whatever happens.
    /// </summary>
    private IEnumerable<T> ContinueOnDisk<T>(RddBlockId id, Action<Stream> write, Action release, TaskContext context)
    {
        try
        {
            WriteToDisk(id, write);
        }
        finally
        {
            release();
        }

        context.RecordStoredBlock(id);
        return ReadFromDisk<T>(id);
    }

    /// <summary>Takes over <paramref name="reserved"/> (leaving 0) as an idempotent action that releases it.</summary>
    private Action HoldUntilReleased(ref long reserved)
    {
        var held = reserved;
        reserved = 0;
        return Once(() => ReleaseUnroll(held));
    }

    /// <summary>Reads serialised records once, dropping the bytes and releasing their memory as soon as they are read.</summary>
    private static IEnumerable<T> ReadOnce<T>(RddBlockId id, StrongBox<MemoryStream?> frames, Action release)
    {
        if (frames.Value is { } written)
        {
            var view = new MemoryStream(written.GetBuffer(), 0, (int)written.Length, writable: false);
            foreach (var record in RecordBatchReader.Read<T>(view, view.Length, id.ToString()))
            {
                yield return record;
            }
        }

        Free(frames);
        release();
    }

    /// <summary>Lets the garbage collector have a buffer's array (the stream object may still be referenced).</summary>
    private static void Free(StrongBox<MemoryStream?> frames)
    {
        if (frames.Value is { } stream)
        {
            stream.SetLength(0);
            stream.Capacity = 0;
            frames.Value = null;
        }
    }

    private static Action Once(Action action)
    {
        var done = 0;
        return () =>
        {
            if (Interlocked.Exchange(ref done, 1) == 0)
            {
                action();
            }
        };
    }

    /// <summary>Reserves storage memory for block <paramref name="id"/>, evicting least-recently-used blocks of other RDDs as needed.</summary>
    private bool Reserve(RddBlockId id, long bytes)
    {
        var evicted = new List<MemoryEntry>();
        bool reserved;
        lock (_lock)
        {
            var node = _lru.Last;
            while (!(reserved = bytes <= MemoryBudget && _memoryManager.AcquireStorage(bytes)))
            {
                while (node is not null && node.Value.Id.RddId == id.RddId)
                {
                    node = node.Previous;
                }

                if (node is null || bytes > MemoryBudget)
                {
                    break;
                }

                var previous = node.Previous;
                evicted.Add(node.Value);
                RemoveFromMemory(node.Value.Id);
                node = previous;
            }
        }

        SpillEvicted(evicted);
        return reserved;
    }

    private void ReleaseUnroll(long bytes)
    {
        if (bytes > 0)
        {
            _memoryManager.ReleaseStorage(bytes);
        }
    }


    /// <summary>
    /// A serialised level's block: records written as frames into memory under step-wise reservations of exactly
    /// the bytes written. If a reservation is refused, a level with disk continues into the block's file (the frames
    /// so far first); a memory-only one hands back what was written, read again, and the rest uncached.
    /// </summary>
    private IEnumerable<T> UnrollSerialized<T>(RddBlockId id, StorageLevel level, Func<IEnumerable<T>> compute, TaskContext context)
    {
        var buffer = new MemoryStream();
        var writer = new RecordBatchWriter<T>(buffer);
        var source = compute().GetEnumerator();
        long reserved = 0;
        var fits = true;
        try
        {
            while (fits && source.MoveNext())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                writer.Write(source.Current);
                if (buffer.Length >= MaxSerializedBlockBytes)
                {
                    // A memory stream stops at 2 GiB: a block this big goes to disk (or stays uncached).
                    fits = false;
                }
                else if (buffer.Length > reserved)
                {
                    fits = Grow(id, buffer.Length, ref reserved);
                }
            }

            writer.Flush();
            if (fits && (buffer.Length <= reserved || Reserve(id, buffer.Length - reserved)))
            {
                var bytes = buffer.ToArray();
                ReleaseUnroll(Math.Max(0, reserved - bytes.Length));
                reserved = 0;
                StoreInMemory(new MemoryEntry(id, level, bytes, bytes.Length, stream => stream.Write(bytes)));
                context.RecordStoredBlock(id);
                return ReadSerialized<T>(id, bytes);
            }

            // The frames written so far, not copied: the stream itself is emptied once they are passed on.
            var written = new StrongBox<MemoryStream?>(buffer);
            var release = HoldUntilReleased(ref reserved);
            if (level.UseDisk)
            {
                return ContinueOnDisk<T>(id, stream =>
                {
                    stream.Write(written.Value!.GetBuffer(), 0, (int)written.Value.Length);
                    Free(written);
                    release();
                    WriteRecords(stream, Drain([], source, release, context));
                }, release, context);
            }

            var rest = source;
            source = null;
            context.AddTaskCompletionListener(_ =>
            {
                Free(written);
                release();
                rest.Dispose();
            });
            return ReadOnce<T>(id, written, release).Concat(Drain([], rest, release, context));
        }
        finally
        {
            ReleaseUnroll(reserved);
            source?.Dispose();
        }
    }
}

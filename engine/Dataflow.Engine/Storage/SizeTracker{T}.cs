using System.Buffers;
using Dataflow.Serialization.Records;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Storage;

/// <summary>
/// Tracks the estimated managed memory held per record of a buffer or map, by sampling: once per batch of updates one
/// record is serialised with MessagePack and its managed size derived from that form
/// (<see cref="ManagedSizeHeuristic"/>). The estimate is a running mean of recent samples.
/// </summary>
/// <remarks>
/// <para>Why MessagePack rather than reflection (Spark's SizeEstimator walks object graphs): every record that can be
/// spilled must already be MessagePack-serialisable, the formatter is cached per type, no reflection runs per record,
/// and the serialised form shows every string, array and map a record holds, which is what dominates its size.</para>
/// <para>Cost: serialising a sample of <c>S</c> bytes is repaid by waiting at least <c>S / 32</c> updates before the
/// next one (and never fewer than 32), so sampling costs about one serialised byte per update even when a record is a
/// large combiner; the size check that follows each sample is what decides a spill.</para>
/// </remarks>
internal sealed class SizeTracker<T>
{
    private const int MinBatch = 32;
    private const int BytesPerUpdate = 32;
    private const int MaxWeight = 64;

    // Records MessagePack cannot serialise at all are assumed this big; spilling them would fail with MessagePack's error.
    private const int UnknownRecordBytes = 64;
    private const int MaxRetainedScratch = 1024 * 1024;

    // One scratch buffer per thread: trackers are created per group, so a buffer each would cost per key.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    private readonly IMessagePackFormatter<T>? _formatter = TryGetFormatter();
    private readonly long _entryOverhead;
    private double _mean;
    private int _weight;
    private long _untilSample = 1;

    /// <param name="entryOverhead">Bytes the containing structure adds per record (hash-table entry, partition id).</param>
    public SizeTracker(long entryOverhead) => _entryOverhead = entryOverhead;

    /// <summary>Estimated managed bytes per record, including the structure's overhead.</summary>
    public double BytesPerRecord => _mean + _entryOverhead;

    /// <summary>The estimated size of <paramref name="count"/> records.</summary>
    public long Estimate(long count) => (long)Math.Ceiling(count * BytesPerRecord);

    /// <summary>Counts one update; at the end of a batch samples <paramref name="record"/> and returns true (time to check memory).</summary>
    public bool Update(in T record)
    {
        if (--_untilSample > 0)
        {
            return false;
        }

        var (serialized, managed) = Measure(record);
        // A running mean that forgets old samples slowly: sizes drift as combiners grow.
        _weight = Math.Min(_weight + 1, MaxWeight);
        _mean += (managed - _mean) / _weight;
        _untilSample = Math.Max(MinBatch, serialized / BytesPerUpdate);
        return true;
    }

    private (int Serialized, long Managed) Measure(in T record)
    {
        if (_formatter is null)
        {
            return (UnknownRecordBytes, UnknownRecordBytes);
        }

        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(256);
        scratch.ResetWrittenCount();
        try
        {
            var writer = new MessagePackWriter(scratch);
            _formatter.Serialize(ref writer, record, RecordSerializer.Options);
            writer.Flush();
        }
        catch (MessagePackSerializationException)
        {
            return (UnknownRecordBytes, UnknownRecordBytes);
        }

        var measured = (scratch.WrittenCount, ManagedSizeHeuristic.Estimate(scratch.WrittenMemory));
        if (scratch.Capacity > MaxRetainedScratch)
        {
            // A huge sample (one large combiner) should not pin its buffer for the thread's lifetime.
            t_scratch = null;
        }

        return measured;
    }

    private static IMessagePackFormatter<T>? TryGetFormatter()
    {
        try
        {
            return RecordSerializer.Formatter<T>();
        }
        catch (Exception e) when (e is MessagePackSerializationException or TypeInitializationException)
        {
            return null;
        }
    }

    /// <summary>Makes the next update a sample and a memory check (after a spill emptied the structure).</summary>
    public void CheckNext() => _untilSample = 1;
}

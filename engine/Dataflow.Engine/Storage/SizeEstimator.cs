using Dataflow.Serialization.Records;
using MessagePack;

namespace Dataflow.Storage;

/// <summary>
/// Estimates the memory held by a materialised block of records (a cached partition) from up to
/// <see cref="SampleSize"/> evenly spaced records, each measured with the same heuristic the spillable structures use
/// (<see cref="ManagedSizeHeuristic"/>: the managed size implied by the record's MessagePack form), scaled to the
/// count. Cheap and never exact; it decides eviction, not allocation.
/// </summary>
internal static class SizeEstimator
{
    public const int SampleSize = 32;
    private const int ListSlot = 8;
    private const int UnmeasurableRecord = 64;

    public static long Estimate<T>(IReadOnlyList<T> records)
    {
        if (records.Count == 0)
        {
            return 64;
        }

        var step = Math.Max(1, records.Count / SampleSize);
        long sampled = 0;
        var count = 0;
        for (var i = 0; i < records.Count && count < SampleSize; i += step, count++)
        {
            try
            {
                sampled += ManagedSizeHeuristic.Estimate(MessagePackSerializer.Serialize(records[i], RecordSerializer.Options));
            }
            catch (MessagePackSerializationException)
            {
                sampled += UnmeasurableRecord;
            }
        }

        var perRecord = ((double)sampled / count) + ListSlot;
        return 64 + (long)(perRecord * records.Count);
    }
}

using Dataflow.Serialization;
using MessagePack;

namespace Dataflow.Storage;

/// <summary>
/// Estimates the memory held by a block of records from a sample: the MessagePack size of up to
/// <see cref="SampleSize"/> evenly spaced records, scaled to the count, times a factor for object headers and
/// references. Cheap and never exact; it is used to decide eviction, not to allocate.
/// </summary>
internal static class SizeEstimator
{
    public const int SampleSize = 32;
    private const double ObjectOverheadFactor = 2.0;
    private const int PerRecordOverhead = 16;

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
                sampled += MessagePackSerializer.Serialize(records[i], RecordSerializer.Options).Length;
            }
            catch (MessagePackSerializationException)
            {
                sampled += 64;
            }
        }

        var perRecord = ((double)sampled / count * ObjectOverheadFactor) + PerRecordOverhead;
        return 64 + (long)(perRecord * records.Count);
    }
}

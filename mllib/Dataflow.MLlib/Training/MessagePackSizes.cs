namespace Dataflow.MLlib.Training;

/// <summary>
/// Serialised sizes computed from shapes, as MessagePack writes them (a float64 is 9 bytes, an array has a 1-, 3- or
/// 5-byte header): the byte counts of <see cref="IterationTimings"/> are the same on every master, and cost nothing
/// per pass.
/// </summary>
internal static class MessagePackSizes
{
    /// <summary>An array of <paramref name="count"/> float64 values.</summary>
    public static long Float64Array(long count) => ArrayHeader(count) + (9 * count);

    /// <summary>A partial result of a <see cref="BlockPass"/> with <paramref name="sums"/> sums: a 6-element array of the sums, an int64, two float64 and two int32.</summary>
    public static long Partial(long sums) => ArrayHeader(6) + Float64Array(sums) + 9 + (2 * 9) + (2 * 5);

    private static long ArrayHeader(long count) => count < 16 ? 1 : count < 65536 ? 3 : 5;
}

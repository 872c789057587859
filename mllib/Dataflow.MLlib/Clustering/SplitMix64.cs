namespace Dataflow.MLlib.Clustering;

/// <summary>
/// The SplitMix64 generator, written out so that a seed gives the same numbers on every machine, runtime and master:
/// as a stream (<see cref="NextDouble"/>, for the driver's local k-means++) and as a stateless hash of a tuple of
/// integers (<see cref="Uniform"/>), which gives every row its own draw from (seed, purpose, run, partition, row)
/// whatever order or task computes it.
/// </summary>
internal struct SplitMix64
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    private ulong _state;

    /// <summary>A stream seeded with <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>The next draw, uniform in [0, 1).</summary>
    public double NextDouble()
    {
        _state += Golden;
        return ToUnit(Finish(_state));
    }

    /// <summary>The next draw, uniform over 0 .. <paramref name="count"/> − 1.</summary>
    public int NextInt(int count) => Math.Min(count - 1, (int)(NextDouble() * count));

    /// <summary>A hash of the tuple: nearby tuples give unrelated values.</summary>
    public static ulong Hash(long a, long b, long c, long d, long e)
    {
        var z = Finish(unchecked((ulong)a + Golden));
        z = Finish(z ^ unchecked((ulong)b + (2 * Golden)));
        z = Finish(z ^ unchecked((ulong)c + (3 * Golden)));
        z = Finish(z ^ unchecked((ulong)d + (4 * Golden)));
        return Finish(z ^ unchecked((ulong)e + (5 * Golden)));
    }

    /// <summary>A draw uniform in [0, 1) determined by the tuple alone.</summary>
    public static double Uniform(long a, long b, long c, long d, long e) => ToUnit(Hash(a, b, c, d, e));

    private static double ToUnit(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));

    private static ulong Finish(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}

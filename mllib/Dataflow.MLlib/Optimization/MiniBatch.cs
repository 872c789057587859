namespace Dataflow.MLlib.Optimization;

/// <summary>
/// Which mini-batch an SGD iteration asks for: the estimator samples each row with probability
/// <see cref="Fraction"/> inside the partitions (never on the driver), from a random generator seeded with
/// <see cref="PartitionSeed"/>, so a run is reproducible whatever the partitions' placement.
/// </summary>
/// <param name="Iteration">The SGD iteration, from 1 (also the updater's update number).</param>
/// <param name="Seed">This iteration's seed, derived from the user's seed and the iteration by <see cref="For"/>.</param>
/// <param name="Fraction">The share of rows to sample, in (0, 1]; 1 means every row (no sampling).</param>
public readonly record struct MiniBatch(int Iteration, long Seed, double Fraction)
{
    /// <summary>The batch of <paramref name="iteration"/> for a run seeded with <paramref name="seed"/>.</summary>
    public static MiniBatch For(long seed, int iteration, double fraction) => new(iteration, Mix(seed, iteration), fraction);

    /// <summary>The seed for partition <paramref name="partitionIndex"/>'s sampler (a <see cref="Random"/>), distinct per partition and iteration.</summary>
    public int PartitionSeed(int partitionIndex) => (int)(Mix(Seed, partitionIndex) >>> 33);

    /// <summary>SplitMix64's finaliser over seed and index: nearby seeds and indices give unrelated streams.</summary>
    private static long Mix(long seed, long index)
    {
        unchecked
        {
            var z = (ulong)seed + (ulong)(index + 1) * 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (long)(z ^ (z >> 31));
        }
    }
}

namespace Dataflow.MLlib.Recommendation;

/// <summary>
/// The seeded starting point of matrix factorisation, the same in every training mode: a row touched by some rating
/// gets independent values uniform in [−scale, scale), a row no rating touches starts (and, being only regularised,
/// stays) at 0. Not zero everywhere: the all-zero factors are a saddle point of the objective (every gradient is 0).
/// </summary>
/// <remarks>
/// Value (key, f) is a pure function of the seed and <c>key × rank + f</c> (SplitMix64), so any process computes any
/// row without shipping the matrix: the parameter-server workers add it to the offsets the servers hold.
/// </remarks>
public static class FactorInitialization
{
    /// <summary>The default scale: entries in [−0.1, 0.1).</summary>
    public const double DefaultScale = 0.1;

    /// <summary>Entry <paramref name="f"/> of row <paramref name="key"/> of a touched row.</summary>
    public static double Value(long seed, int key, int f, int rank, double scale)
    {
        unchecked
        {
            var z = (ulong)seed + ((ulong)(((long)key * rank) + f + 1) * 0x9E3779B97F4A7C15UL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            var unit = (z >> 11) * (1.0 / (1UL << 53));
            return scale * ((2 * unit) - 1);
        }
    }

    /// <summary>The starting model: seeded values on the <paramref name="touched"/> rows (users, then items), 0 elsewhere.</summary>
    public static MatrixFactorizationModel Create(int users, int items, int rank, ReadOnlySpan<bool> touched, long seed, double scale = DefaultScale)
    {
        if (touched.Length != users + items)
        {
            throw new ArgumentException($"One touched flag per row: {users + items} rows, {touched.Length} flags.", nameof(touched));
        }

        if (!(scale >= 0) || !double.IsFinite(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The initial scale must be a finite number ≥ 0.");
        }

        var factors = new double[((long)users + items) * rank];
        for (var key = 0; key < touched.Length; key++)
        {
            if (touched[key])
            {
                for (var f = 0; f < rank; f++)
                {
                    factors[((long)key * rank) + f] = Value(seed, key, f, rank, scale);
                }
            }
        }

        return new MatrixFactorizationModel(users, items, rank, factors);
    }

    /// <summary>The starting model of <paramref name="ratings"/> (one job finds the touched rows).</summary>
    public static async Task<MatrixFactorizationModel> CreateAsync(Rdd<Rating> ratings, int users, int items, int rank, long seed, double scale = DefaultScale,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        var keys = await ratings.SelectPartitions(rows =>
        {
            var touched = new HashSet<int>();
            foreach (var r in rows)
            {
                touched.Add(r.User);
                touched.Add(users + r.Item);
            }

            return touched.ToArray();
        }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var mask = new bool[users + items];
        foreach (var key in keys)
        {
            if ((uint)key < (uint)mask.Length)
            {
                mask[key] = true;
            }
        }

        return Create(users, items, rank, mask, seed, scale);
    }
}

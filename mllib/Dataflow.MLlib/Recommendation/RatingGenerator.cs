namespace Dataflow.MLlib.Recommendation;

/// <summary>
/// A seeded generator of low-rank ratings with power-law item popularity, for matrix-factorisation experiments and
/// tests: the same settings give the same ratings on every machine.
/// </summary>
/// <remarks>
/// <para><b>Truth.</b> User factors U* (users × rank) and item factors V* (items × rank) have independent N(0, 1/√rank)
/// entries, so a true rating U*_u·V*_i has variance 1 whatever the rank.</para>
/// <para><b>Ratings.</b> Each of the <see cref="Ratings"/> ratings picks a user uniformly and an item with probability
/// ∝ (i + 1)^−<see cref="PopularityExponent"/> (item 0 the most popular: a Zipf law, as real catalogues show), and has
/// the value U*_u·V*_i + <see cref="Noise"/>·N(0, 1). A (user, item) pair may repeat, with fresh noise. Everything is
/// drawn, in that order, from one <see cref="Random"/> seeded with <see cref="Seed"/> (Gaussians by Box–Muller).</para>
/// <para>The noise variance <c>Noise²</c> is the mean squared error the true factors reach, the floor a trained
/// model's training error sits near.</para>
/// </remarks>
/// <example><code>
/// var generator = new RatingGenerator { Users = 1000, Items = 500, Rank = 10, Ratings = 50_000, Seed = 7 };
/// var ratings = ctx.Parallelize(generator.Generate(), 4);
/// </code></example>
public sealed class RatingGenerator
{
    /// <summary>Users. Default 1,000.</summary>
    public int Users { get; set; } = 1000;

    /// <summary>Items. Default 1,000.</summary>
    public int Items { get; set; } = 1000;

    /// <summary>The rank of the true factors. Default 10.</summary>
    public int Rank { get; set; } = 10;

    /// <summary>Ratings to draw. Default 100,000.</summary>
    public int Ratings { get; set; } = 100_000;

    /// <summary>The standard deviation of the Gaussian noise added to each rating. Default 0.1.</summary>
    public double Noise { get; set; } = 0.1;

    /// <summary>The exponent α of item popularity ∝ (i + 1)^−α; 0 is uniform. Default 1 (Zipf).</summary>
    public double PopularityExponent { get; set; } = 1.0;

    /// <summary>The seed. Default 42.</summary>
    public long Seed { get; set; } = 42;

    /// <summary>The probability of item <paramref name="item"/> being the item of a rating.</summary>
    public double Popularity(int item)
    {
        Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(item);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(item, Items);
        var total = 0.0;
        for (var i = 0; i < Items; i++)
        {
            total += Math.Pow(i + 1, -PopularityExponent);
        }

        return Math.Pow(item + 1, -PopularityExponent) / total;
    }

    /// <summary>The ratings, in the order drawn.</summary>
    public List<Rating> Generate() => GenerateWithTruth().Ratings;

    /// <summary>The ratings and the true factors (users × rank, then items × rank, row-major) they were drawn from.</summary>
    public (List<Rating> Ratings, double[] UserFactors, double[] ItemFactors) GenerateWithTruth()
    {
        Validate();
        var random = new Random(unchecked((int)(Seed ^ (Seed >> 32))));
        var scale = Math.Pow(Rank, -0.25);
        var userFactors = new double[(long)Users * Rank];
        var itemFactors = new double[(long)Items * Rank];
        for (var j = 0; j < userFactors.Length; j++)
        {
            userFactors[j] = scale * Gaussian(random);
        }

        for (var j = 0; j < itemFactors.Length; j++)
        {
            itemFactors[j] = scale * Gaussian(random);
        }

        var cumulative = new double[Items];
        var sum = 0.0;
        for (var i = 0; i < Items; i++)
        {
            sum += Math.Pow(i + 1, -PopularityExponent);
            cumulative[i] = sum;
        }

        var ratings = new List<Rating>(Ratings);
        for (var n = 0; n < Ratings; n++)
        {
            var user = random.Next(Users);
            var item = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            item = Math.Min(item < 0 ? ~item : item, Items - 1);
            var value = 0.0;
            for (var f = 0; f < Rank; f++)
            {
                value += userFactors[((long)user * Rank) + f] * itemFactors[((long)item * Rank) + f];
            }

            ratings.Add(new Rating(user, item, value + (Noise * Gaussian(random))));
        }

        return (ratings, userFactors, itemFactors);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the setting that is wrong.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Users, 1, nameof(Users));
        ArgumentOutOfRangeException.ThrowIfLessThan(Items, 1, nameof(Items));
        ArgumentOutOfRangeException.ThrowIfLessThan(Rank, 1, nameof(Rank));
        ArgumentOutOfRangeException.ThrowIfNegative(Ratings, nameof(Ratings));
        if (!(Noise >= 0) || !double.IsFinite(Noise))
        {
            throw new ArgumentOutOfRangeException(nameof(Noise), Noise, "Noise must be a finite number ≥ 0.");
        }

        if (!(PopularityExponent >= 0) || !double.IsFinite(PopularityExponent))
        {
            throw new ArgumentOutOfRangeException(nameof(PopularityExponent), PopularityExponent, "PopularityExponent must be a finite number ≥ 0.");
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

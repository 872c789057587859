using Dataflow.MLlib.Recommendation;

namespace Dataflow.MLlib.Tests.Recommendation;

/// <summary>The rating generator: seeded, power-law item popularity, low rank plus the stated noise.</summary>
public sealed class RatingGeneratorTests
{
    [Fact]
    public void Generate_SameSeed_SameRatings_OtherSeed_Others()
    {
        var a = new RatingGenerator { Users = 50, Items = 40, Rank = 3, Ratings = 2000, Seed = 5 }.Generate();
        var b = new RatingGenerator { Users = 50, Items = 40, Rank = 3, Ratings = 2000, Seed = 5 }.Generate();
        var c = new RatingGenerator { Users = 50, Items = 40, Rank = 3, Ratings = 2000, Seed = 6 }.Generate();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(2000, a.Count);
        Assert.All(a, r => Assert.True(r.User is >= 0 and < 50 && r.Item is >= 0 and < 40));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.7)]
    public void Generate_ItemCounts_FollowThePowerLaw(double alpha)
    {
        const int items = 500;
        const int n = 200_000;
        var ratings = new RatingGenerator { Users = 100, Items = items, Rank = 2, Ratings = n, PopularityExponent = alpha, Seed = 11 }.Generate();
        var counts = new int[items];
        foreach (var r in ratings)
        {
            counts[r.Item]++;
        }

        // The reference: p_i = (i + 1)^−α / Σ_j (j + 1)^−α; each count is binomial(n, p_i), checked within 5σ.
        var total = Enumerable.Range(1, items).Sum(k => Math.Pow(k, -alpha));
        foreach (var i in new[] { 0, 1, 2, 3, 4, 9, 49, 99, 499 })
        {
            var p = Math.Pow(i + 1, -alpha) / total;
            var sigma = Math.Sqrt(n * p * (1 - p));
            Assert.True(Math.Abs(counts[i] - (n * p)) <= 5 * sigma, $"item {i}: {counts[i]} ratings, expected {n * p:F0} ± {sigma:F0}");
        }

        // The slope of log count against log rank over the top 50 items is −α.
        var xs = Enumerable.Range(1, 50).Select(k => Math.Log(k)).ToArray();
        var ys = Enumerable.Range(0, 50).Select(i => Math.Log(counts[i])).ToArray();
        var (mx, my) = (xs.Average(), ys.Average());
        var slope = xs.Zip(ys).Sum(t => (t.First - mx) * (t.Second - my)) / xs.Sum(x => (x - mx) * (x - mx));
        Assert.InRange(slope, -alpha - 0.05, -alpha + 0.05);
    }

    [Fact]
    public void GenerateWithTruth_RatingsAreTheTrueProductPlusNoise()
    {
        var generator = new RatingGenerator { Users = 30, Items = 20, Rank = 4, Ratings = 20_000, Noise = 0.3, Seed = 3 };
        var (ratings, users, items) = generator.GenerateWithTruth();
        var mse = RatingProblem.Objective(ratings, RatingProblem.Truth(users, items), 30, 4, 0);
        Assert.InRange(mse, 0.09 * 0.95, 0.09 * 1.05);
        // Ratings have unit variance from the factors: the truth's predictions spread like N(0, 1).
        var truths = ratings.Select(r => Enumerable.Range(0, 4).Sum(f => users[(r.User * 4) + f] * items[(r.Item * 4) + f])).ToArray();
        Assert.InRange(truths.Select(t => t * t).Average(), 0.5, 2.0);
    }
}

using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Recommendation;

namespace Dataflow.MLlib.Tests.Recommendation;

/// <summary>The matrix-factorisation kernel against a plain float64 loop written here (relative error ≤ 1e-6).</summary>
public sealed class RatingKernelTests
{
    private const int Users = 13;
    private const int Items = 9;

    [Theory]
    [InlineData(1, false)]
    [InlineData(4, false)]
    [InlineData(17, true)]
    public void SquaredError_RandomBlock_MatchesPlainLoop(int rank, bool sampled)
    {
        var random = new Random(rank);
        var ratings = Enumerable.Range(0, 200).Select(_ => new Rating(random.Next(Users), random.Next(Items), (random.NextDouble() * 4) - 2)).ToList();
        var block = RatingProblem.Block(ratings, Users, Items);
        var factors = RatingProblem.RandomFactors(Users + Items, rank, 100 + rank, 1.0);
        int[]? rows = sampled ? [.. Enumerable.Range(0, ratings.Count).Where(r => r % 3 != 1)] : null;
        var gradient = new double[factors.Length];
        gradient[0] = 0.25; // outputs are added to, never cleared

        var loss = ((IBlockKernels)new SimdKernels()).MatrixFactorization(block, Users, rank, factors, gradient, rows);

        var expectedLoss = 0.0;
        var expected = new double[factors.Length];
        expected[0] = 0.25;
        foreach (var r in rows ?? Enumerable.Range(0, ratings.Count))
        {
            var (u, i) = (ratings[r].User * rank, (Users + ratings[r].Item) * rank);
            var p = 0.0;
            for (var f = 0; f < rank; f++)
            {
                p += factors[u + f] * factors[i + f];
            }

            var e = p - ratings[r].Value;
            expectedLoss += e * e;
            for (var f = 0; f < rank; f++)
            {
                expected[u + f] += 2 * e * factors[i + f];
                expected[i + f] += 2 * e * factors[u + f];
            }
        }

        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-6 * Math.Abs(expectedLoss), $"loss {loss}, expected {expectedLoss}");
        var scale = expected.Max(Math.Abs);
        for (var j = 0; j < expected.Length; j++)
        {
            Assert.True(Math.Abs(gradient[j] - expected[j]) <= 1e-6 * scale, $"gradient[{j}] {gradient[j]}, expected {expected[j]}");
        }
    }

    [Fact]
    public void SquaredError_RowThatIsNotARating_ThrowsAndAddsNothing()
    {
        // Row 1 has its item column below the user count: two users, not a user and an item.
        var block = InstanceBlock.Sparse(Users + Items, [0, 2, 4], [0, Users + 1, 2, 5], [1f, 1f, 1f, 1f], [1.0, 2.0]);
        var gradient = new double[(Users + Items) * 2];
        var error = Assert.Throws<ArgumentException>(() =>
            ((IBlockKernels)new SimdKernels()).MatrixFactorization(block, Users, 2, new double[gradient.Length], gradient));
        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
        Assert.All(gradient, g => Assert.Equal(0, g));
    }

    [Fact]
    public void SquaredError_WrongFactorLength_NamesBothSizes()
    {
        var block = RatingProblem.Block([new Rating(0, 0, 1)], Users, Items);
        var error = Assert.Throws<ArgumentException>(() => RatingKernel.SquaredError(block, Users, 3, new double[10], new double[(Users + Items) * 3]));
        Assert.Contains("10", error.Message, StringComparison.Ordinal);
        Assert.Contains(((Users + Items) * 3).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }
}

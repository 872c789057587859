namespace Dataflow.MLlib.Kernels.Tests;

/// <summary>The contract run against the managed SIMD kernels, plus what is particular to them.</summary>
public sealed class SimdKernelsTests : BlockKernelsContractTests
{
    protected override IBlockKernels CreateKernels() => new SimdKernels();

    [Fact]
    public void Name_IsSimd() => Assert.Equal("simd", new SimdKernels().Name);

    [Fact]
    public void KMeans_CentresAtDifferentNorms_BoundSkipsMostDistances()
    {
        // One-dimensional rows near 1, 10, 100 and 1000 with centres there: for every row all but the centres next
        // to it are ruled out by (‖x‖ − ‖c‖)² ≥ best once a close centre has been seen.
        var rows = new List<double[]>();
        foreach (var c in new[] { 1.0, 10, 100, 1000 })
        {
            for (var i = 0; i < 25; i++)
                rows.Add([c + (0.01 * i)]);
        }

        var block = RandomBlocks.FromRows([.. rows], new double[rows.Count], sparse: false);
        double[] centers = [1, 10, 100, 1000];
        var kernels = new SimdKernels();

        kernels.KMeansAssign(block, centers, centers, new double[4], new long[4]);

        Assert.Equal(400, kernels.DistancesComputed + kernels.DistancesSkipped);
        // In index order, a centre is ruled out once one at least as close as its norm gap has been seen: rows at 1
        // evaluate centre 0 only, rows at 10 centres 0 and 1, rows at 100 three and rows at 1000 all four.
        Assert.Equal((25 * 1) + (25 * 2) + (25 * 3) + (25 * 4), kernels.DistancesComputed);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-300)]
    [InlineData(1e-20)]
    [InlineData(4.2e-18)]
    [InlineData(1e-9)]
    [InlineData(3e-5)]
    [InlineData(0.5)]
    [InlineData(1)]
    [InlineData(7)]
    public void Log1p_AcrossMagnitudes_MatchesSeriesOrLog(double t)
        => Close.Scalar(ReferenceKernels.Log1p(t), StableMath.Log1p(t), what: $"log1p({t})");
}

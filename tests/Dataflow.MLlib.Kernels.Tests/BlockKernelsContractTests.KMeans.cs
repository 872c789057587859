namespace Dataflow.MLlib.Kernels.Tests;

// The k-means assignment step and the per-row nearest centre.
public abstract partial class BlockKernelsContractTests
{
    public static TheoryData<bool, int, int> KMeansCases()
    {
        var data = new TheoryData<bool, int, int>();
        foreach (var sparse in new[] { false, true })
        {
            foreach (var d in Widths)
            {
                foreach (var k in new[] { 1, 3, 4, 10 })
                    data.Add(sparse, d, k);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KMeansCases))]
    public void KMeans_RandomBlocks_MatchFloat64Reference(bool sparse, int d, int k)
    {
        var rng = new Random(9000 + (d * 10) + k + (sparse ? 1 : 0));
        var block = RandomBlocks.Make(rng, RowCount, d, sparse, RandomBlocks.Binary);
        var centers = RandomBlocks.Filled(rng, k * d);

        CheckKMeans(block, centers, k);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void KMeans_CentresAtManyNorms_NormBoundSkipsWithoutChangingTheAnswer(bool sparse)
    {
        // Centres along random directions at norms from 0.5 to 64, rows scattered around them: the bound
        // (‖x‖ − ‖c‖)² ≥ best rules out most centres, sometimes only just (centres of nearby norms).
        var rng = new Random(10_000 + (sparse ? 1 : 0));
        const int d = 20, k = 13;
        var centers = new double[k * d];
        for (var c = 0; c < k; c++)
        {
            var direction = RandomBlocks.Filled(rng, d);
            var norm = Math.Sqrt(direction.Sum(v => v * v));
            var scale = 0.5 * Math.Pow(2, c / 2.0);
            for (var j = 0; j < d; j++)
                centers[(c * d) + j] = direction[j] / norm * scale;
        }

        var rows = new double[400][];
        for (var r = 0; r < rows.Length; r++)
        {
            var c = rng.Next(k);
            var spread = 0.6 * Math.Pow(2, c / 2.0);
            rows[r] = [.. Enumerable.Range(0, d).Select(j => centers[(c * d) + j] + (spread * ((rng.NextDouble() * 2) - 1) / Math.Sqrt(d)))];
        }

        var block = RandomBlocks.FromRows(rows, new double[rows.Length], sparse);

        CheckKMeans(block, centers, k);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void KMeans_EquidistantCentres_LowestIndexWins(bool sparse)
    {
        const int d = 11;
        double[] Point(params double[] head) => [.. head, .. new double[d - head.Length]];
        // 1 and 4 are the same centre, so are 2 and 5; 0 and 3 are far. The copies sit in another group of four.
        double[][] centerRows = [Point(10, 10), Point(1, 0), Point(0, 1), Point(-10, 10), Point(1, 0), Point(0, 1)];
        var centers = centerRows.SelectMany(c => c).ToArray();
        double[][] rows = [Point(0.5, 0.5), Point(0, 0), Point(1, 0), Point(0, 1), Point(2, 0), Point(0, 2), Point(0.25, 0.25, 3)];
        var block = RandomBlocks.FromRows(rows, new double[rows.Length], sparse);
        var norms = ReferenceKernels.Norms(centers, 6);
        var nearest = new int[rows.Length];
        var distances = new double[rows.Length];

        CreateKernels().NearestCenters(block, centers, norms, nearest, distances);

        Assert.Equal([1, 1, 1, 2, 1, 2, 1], nearest);
        Close.Vector([0.5, 1, 0, 0, 1, 1, 9.625], distances, "squared distances");
        CheckKMeans(block, centers, 6);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void KMeans_UncentredRowsOnAndNearCentres_DistancesPreciseAndNeverNegative(bool sparse)
    {
        // Values near 1000 in 100 dimensions: ‖x‖² + ‖c‖² ≈ 2e8 while the distances are ≈ 1e-4 or exactly 0, so
        // ‖x‖² + ‖c‖² − 2x·c alone is off by ~1e-8 (1e-4 relative, or below zero) and must be recomputed.
        var rng = new Random(11_000 + (sparse ? 1 : 0));
        const int d = 100, k = 6;
        var rows = new double[50][];
        for (var r = 0; r < rows.Length; r++)
            rows[r] = [.. Enumerable.Range(0, d).Select(_ => (double)(float)(1000 + (0.01 * rng.NextDouble())))];
        var centers = new double[k * d];
        for (var c = 0; c < k; c++)
        {
            for (var j = 0; j < d; j++)
                centers[(c * d) + j] = rows[c][j] + (c == 0 ? 0 : 1e-3 * ((rng.NextDouble() * 2) - 1));
        }

        var block = RandomBlocks.FromRows(rows, new double[rows.Length], sparse);
        var norms = ReferenceKernels.Norms(centers, k);
        var nearest = new int[rows.Length];
        var distances = new double[rows.Length];

        CreateKernels().NearestCenters(block, centers, norms, nearest, distances);

        Assert.Equal(0, nearest[0]);
        Assert.Equal(0.0, distances[0]);
        var expected = ReferenceKernels.Nearest(block, centers, k);
        Assert.Equal(expected.Nearest, nearest);
        for (var r = 0; r < rows.Length; r++)
            Close.Scalar(expected.Distances[r], distances[r], what: $"distance of row {r}");
        CheckKMeans(block, centers, k);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void KMeansAssign_TwoCalls_AddToSumsAndCounts(bool sparse)
    {
        var rng = new Random(12_000 + (sparse ? 1 : 0));
        const int d = 17, k = 5;
        var first = RandomBlocks.Make(rng, RowCount, d, sparse, RandomBlocks.Binary);
        var second = RandomBlocks.Make(rng, 14, d, sparse, RandomBlocks.Binary);
        var centers = RandomBlocks.Filled(rng, k * d);
        var norms = ReferenceKernels.Norms(centers, k);
        var startSums = RandomBlocks.Filled(rng, k * d);
        var sums = (double[])startSums.Clone();
        long[] counts = [5, 0, 7, 1, 2];
        var kernels = CreateKernels();

        var cost1 = kernels.KMeansAssign(first, centers, norms, sums, counts);
        var cost2 = kernels.KMeansAssign(second, centers, norms, sums, counts);

        var expected1 = ReferenceKernels.KMeansAssign(first, centers, k);
        var expected2 = ReferenceKernels.KMeansAssign(second, centers, k);
        Close.Scalar(expected1.Cost, cost1, what: "first cost");
        Close.Scalar(expected2.Cost, cost2, what: "second cost");
        Close.Vector(Close.Add(startSums, Close.Add(expected1.Sums, expected2.Sums)), sums, "sums");
        Assert.Equal([.. new long[] { 5, 0, 7, 1, 2 }.Select((c, i) => c + expected1.Counts[i] + expected2.Counts[i])], counts);
    }

    [Fact]
    public void KMeans_SparseWithAMillionFeatures_MatchesReference()
    {
        var rng = new Random(13_000);
        const int d = 1_000_000, k = 3;
        var block = RandomBlocks.Make(rng, 12, d, sparse: true, RandomBlocks.Binary);
        // Centre 0 is row 0 itself (distance exactly 0 through the precise path), the others random and sparse-ish.
        var centers = new double[k * d];
        var row0 = ReferenceKernels.Row(block, 0);
        row0.CopyTo(centers, 0);
        for (var i = 0; i < 200; i++)
        {
            centers[d + rng.Next(d)] = (rng.NextDouble() * 2) - 1;
            centers[(2 * d) + rng.Next(d)] = (rng.NextDouble() * 2) - 1;
        }

        CheckKMeans(block, centers, k);
    }

    // Both k-means kernels against the reference: the same nearest centre for every row (exactly), the same counts,
    // and distances, sums and cost to 1e-6.
    private void CheckKMeans(InstanceBlock block, double[] centers, int k)
    {
        var kernels = CreateKernels();
        var norms = ReferenceKernels.Norms(centers, k);
        var expected = ReferenceKernels.Nearest(block, centers, k);
        var nearest = Enumerable.Repeat(-1, block.Rows).ToArray();
        var distances = Enumerable.Repeat(double.NaN, block.Rows).ToArray();

        kernels.NearestCenters(block, centers, norms, nearest, distances);

        Assert.Equal(expected.Nearest, nearest);
        Assert.All(distances, distance => Assert.True(distance >= 0, $"negative squared distance {distance}"));
        Close.Vector(expected.Distances, distances, "squared distances");

        var sums = new double[k * block.Features];
        var counts = new long[k];
        var cost = kernels.KMeansAssign(block, centers, norms, sums, counts);
        var assigned = ReferenceKernels.KMeansAssign(block, centers, k);
        Close.Scalar(assigned.Cost, cost, what: "cost");
        Close.Vector(assigned.Sums, sums, "sums");
        Assert.Equal(assigned.Counts, counts);
    }
}

using Dataflow.Configuration;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.Data;

public sealed class InstanceBlocksTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 10)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Random points with the given share of non-zero entries, stored dense or sparse as asked.</summary>
    private static List<LabeledPoint> RandomPoints(Random random, int count, int features, double density, bool sparse)
    {
        var points = new List<LabeledPoint>();
        for (var i = 0; i < count; i++)
        {
            var values = Enumerable.Range(0, features).Select(_ => random.NextDouble() < density ? (random.NextDouble() * 200) - 100 : 0).ToArray();
            var indices = Enumerable.Range(0, features).Where(j => values[j] != 0).ToArray();
            Vector vector = sparse ? Vectors.Sparse(features, indices, [.. indices.Select(j => values[j])]) : Vectors.Dense(values);
            points.Add(new LabeledPoint(random.Next(3), vector));
        }

        return points;
    }

    /// <summary>The input as packing must give it back: values rounded to float32, the zeros CSR drops dropped.</summary>
    private static double[] Rounded(Vector v) => [.. v.ToArray().Select(x => (double)(float)x)];

    private static double RoundedNorm(Vector v) => Math.Sqrt(Rounded(v).Sum(x => x * x));

    [Theory, MemberData(nameof(Seeds))]
    public async Task ToBlocks_ThenToPoints_GivesTheInputInOrderRoundedToFloat32(int seed)
    {
        var random = new Random(seed);
        var features = random.Next(1, 30);
        var points = RandomPoints(random, random.Next(0, 400), features, random.NextDouble(), sparse: random.Next(2) == 0);
        var limit = random.Next(2) == 0 ? 1024L : (long?)null;

        var blocks = await _ctx.Parallelize(points, random.Next(1, 6)).ToBlocks(maxBlockBytes: limit).ToListAsync(Ct);
        var back = blocks.SelectMany(b => b.ToPoints()).ToList();

        Assert.Equal(points.Count, back.Count);
        Assert.Equal(points.Select(p => p.Label), back.Select(p => p.Label));
        Assert.Equal(points.Select(p => Rounded(p.Features)), back.Select(p => p.Features.ToArray()));
        Assert.All(blocks, b => Assert.Equal(features, b.Features));
        Assert.All(blocks, b => Assert.True(b.Rows > 0));
        var norms = blocks.SelectMany(b => b.Norms).ToList();
        for (var i = 0; i < points.Count; i++)
        {
            Assert.Equal(RoundedNorm(points[i].Features), norms[i], 1e-9 * Math.Max(1, norms[i]));
        }

        // The documented rule, with the non-zeros counted from the input: CSR exactly when it takes fewer bytes.
        var first = 0;
        foreach (var b in blocks)
        {
            long nonZeros = points.Skip(first).Take(b.Rows).Sum(p => Rounded(p.Features).Count(x => x != 0));
            Assert.Equal(8 * nonZeros + 4L * (b.Rows + 1) < 4L * b.Rows * b.Features, b.IsSparse);
            first += b.Rows;
        }
    }

    [Fact]
    public async Task ToBlocks_DefaultLimit_OneBlockPerNonEmptyPartition()
    {
        var points = RandomPoints(new Random(1), 100, 8, 1, sparse: false);

        var blocks = await _ctx.Parallelize(points, 4).ToBlocks().ToListAsync(Ct);
        var empty = await _ctx.Parallelize(points.Take(2), 5).ToBlocks().ToListAsync(Ct);

        Assert.Equal([25, 25, 25, 25], blocks.Select(b => b.Rows));
        Assert.Equal(2, empty.Count);
    }

    [Fact]
    public async Task ToBlocks_Limit_SplitsAPartitionIntoBlocksWithinIt()
    {
        // Dense rows of 10 float32 take 40 bytes: 25 rows fit in 1 KiB.
        var points = RandomPoints(new Random(2), 110, 10, 1, sparse: false);

        var blocks = await _ctx.Parallelize(points, 1).ToBlocks(maxBlockBytes: 1024).ToListAsync(Ct);

        Assert.Equal([25, 25, 25, 25, 10], blocks.Select(b => b.Rows));
        Assert.All(blocks, b => Assert.True(b.FeatureBytes <= 1024));
        Assert.All(blocks, b => Assert.False(b.IsSparse));
    }

    [Fact]
    public async Task ToBlocks_LimitFromOptions_IsUsedWhenNoneIsGiven()
    {
        var options = DataflowConfiguration.Load([new("Dataflow:ML:MaxBlockSize", "1k")], environment: new System.Collections.Hashtable(),
            code: o => o.Master = "local[1]");
        await using var ctx = new DataflowContext(options);

        var blocks = await ctx.Parallelize(RandomPoints(new Random(3), 60, 10, 1, sparse: false), 1).ToBlocks().ToListAsync(Ct);

        Assert.Equal([25, 25, 10], blocks.Select(b => b.Rows));
    }

    [Fact]
    public async Task ToBlocks_VeryWideRow_StillGetsABlockOfItsOwn()
    {
        var points = RandomPoints(new Random(4), 3, 1000, 1, sparse: false);

        var blocks = await _ctx.Parallelize(points, 1).ToBlocks(maxBlockBytes: 1024).ToListAsync(Ct);

        Assert.Equal([1, 1, 1], blocks.Select(b => b.Rows));
    }

    [Theory]
    [InlineData(44, true)]
    [InlineData(45, false)]
    [InlineData(0, true)]
    [InlineData(100, false)]
    public async Task ToBlocks_Density_CsrExactlyWhenSmallerThanDense(int nonZeros, bool sparse)
    {
        // 10 rows × 10 features: dense 400 bytes; CSR 8·nnz + 44, smaller up to nnz = 44.
        var random = new Random(nonZeros);
        var cells = Enumerable.Range(0, 100).OrderBy(_ => random.Next()).Take(nonZeros).ToHashSet();
        var dense = Enumerable.Range(0, 10).Select(i => new LabeledPoint(0, Vectors.Dense([.. Enumerable.Range(0, 10).Select(j => cells.Contains((i * 10) + j) ? 1.5 : 0)]))).ToList();
        var asSparse = dense.Select(p => p with { Features = p.Features.ToSparse() }).ToList();

        var fromDense = Assert.Single(await _ctx.Parallelize(dense, 1).ToBlocks().ToListAsync(Ct));
        var fromSparse = Assert.Single(await _ctx.Parallelize(asSparse, 1).ToBlocks().ToListAsync(Ct));

        Assert.Equal(sparse, fromDense.IsSparse);
        Assert.Equal(sparse, fromSparse.IsSparse);
        Assert.Equal(dense.Select(p => p.Features.ToArray()), fromDense.ToPoints().Select(p => p.Features.ToArray()));
        Assert.Equal(dense.Select(p => p.Features.ToArray()), fromSparse.ToPoints().Select(p => p.Features.ToArray()));
    }

    [Fact]
    public async Task ToBlocks_SparseRowsWithManyFeatures_AreCsrWithinTheLimit()
    {
        var points = RandomPoints(new Random(5), 300, 5_000, 0.002, sparse: true);

        var blocks = await _ctx.Parallelize(points, 2).ToBlocks(maxBlockBytes: 2048).ToListAsync(Ct);

        Assert.All(blocks, b => Assert.True(b.IsSparse));
        Assert.All(blocks, b => Assert.True(b.FeatureBytes <= 2048, $"{b.FeatureBytes} bytes"));
        Assert.True(blocks.Count > 2);
        Assert.Equal(points.Select(p => Rounded(p.Features)), blocks.SelectMany(b => b.ToPoints()).Select(p => p.Features.ToArray()));
    }

    [Fact]
    public async Task ToBlocks_WithClasses_LabelsBecomeClassIndicesAndReadBackAsLabels()
    {
        var points = new[] { -1.0, 1, 1, -1, 1 }.Select((l, i) => new LabeledPoint(l, Vectors.Dense(i))).ToList();
        var rdd = _ctx.Parallelize(points, 2);
        var classes = await ClassIndex.FitAsync(rdd, cancellationToken: Ct);

        var blocks = await rdd.ToBlocks(classes).ToListAsync(Ct);

        Assert.Equal([0.0, 1, 1, 0, 1], blocks.SelectMany(b => b.Labels));
        Assert.Equal(points.Select(p => p.Label), blocks.SelectMany(b => b.ToPoints(classes)).Select(p => p.Label));
    }

    [Fact]
    public async Task ToBlocks_WithoutClasses_KeepsRegressionTargets()
    {
        var points = new[] { 2.5, -0.125, 1e6 }.Select(l => new LabeledPoint(l, Vectors.Dense(1, 2))).ToList();

        var blocks = await _ctx.Parallelize(points, 1).ToBlocks().ToListAsync(Ct);

        Assert.Equal([2.5, -0.125, 1e6], Assert.Single(blocks).Labels);
    }

    [Fact]
    public async Task ToBlocks_RowWithOtherFeatureCount_FailsNamingTheRow()
    {
        var points = new[] { Vectors.Dense(1, 2), Vectors.Dense(3, 4), Vectors.Dense(5) }.Select(v => new LabeledPoint(0, v));

        var error = await Errors.JobCauseAsync<ArgumentException>(async () => await _ctx.Parallelize(points, 1).ToBlocks().CountAsync(Ct));

        Assert.StartsWith("Row 2 of partition 0 has 1 features, the rows before it 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToBlocks_GivenFeatureCount_RejectsOtherSizes()
    {
        var points = new[] { new LabeledPoint(0, Vectors.Dense(1, 2)) };

        var error = await Errors.JobCauseAsync<ArgumentException>(async () => await _ctx.Parallelize(points, 1).ToBlocks(numFeatures: 3).CountAsync(Ct));

        Assert.StartsWith("Row 0 of partition 0 has 2 features, the rows before it 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToBlocks_LabelNotAClass_FailsNamingRowAndClasses()
    {
        var points = new[] { 0.0, 1, 2 }.Select(l => new LabeledPoint(l, Vectors.Dense(1)));

        var error = await Errors.JobCauseAsync<ArgumentException>(async () =>
            await _ctx.Parallelize(points, 1).ToBlocks(new ClassIndex([0, 1])).CountAsync(Ct));

        Assert.StartsWith("Row 2 of partition 0 has label 2, which is not one of the classes (0, 1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToBlocks_ValueBeyondFloat32_FailsSuggestingScaling()
    {
        var points = new[] { new LabeledPoint(0, Vectors.Dense(1, 1e300)) };

        var error = await Errors.JobCauseAsync<ArgumentException>(async () => await _ctx.Parallelize(points, 1).ToBlocks().CountAsync(Ct));

        Assert.Contains("feature 1 is 1E+300, beyond float32's range", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100L)]
    [InlineData(3L << 30)]
    public void ToBlocks_LimitOutOfRange_ThrowsWhenBuilt(long limit)
    {
        var rdd = _ctx.Parallelize(new[] { new LabeledPoint(0, Vectors.Dense(1)) }, 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => rdd.ToBlocks(maxBlockBytes: limit));
    }

    [Fact]
    public async Task ToBlocks_Iris_OneDenseBlockPerPartitionWithEveryRow()
    {
        var iris = await _ctx.LoadCsvAsync(DataFiles.Path("iris.csv"), minPartitions: 2, cancellationToken: Ct);
        var classes = await ClassIndex.FitAsync(iris, cancellationToken: Ct);

        var blocks = await iris.ToBlocks(classes).ToListAsync(Ct);

        Assert.Equal(iris.NumPartitions, blocks.Count);
        Assert.All(blocks, b => Assert.False(b.IsSparse));
        Assert.Equal(150, blocks.Sum(b => b.Rows));
        Assert.Equal(DataFiles.ReadCsv("iris.csv").Select(r => r[..^1].Select(x => (double)(float)x).ToArray()),
            blocks.SelectMany(b => b.ToPoints()).Select(p => p.Features.ToArray()));
    }
}

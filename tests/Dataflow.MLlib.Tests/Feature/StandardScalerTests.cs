using Dataflow.MLlib.Data;
using Dataflow.MLlib.Feature;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.Feature;

public sealed class StandardScalerTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 8)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Plain float64 two-pass mean and population standard deviation of each column.</summary>
    private static (double[] Mean, double[] Std) Reference(double[][] rows)
    {
        var d = rows[0].Length;
        var mean = new double[d];
        var std = new double[d];
        for (var j = 0; j < d; j++)
        {
            double sum = 0;
            foreach (var row in rows)
            {
                sum += row[j];
            }

            mean[j] = sum / rows.Length;
            double squares = 0;
            foreach (var row in rows)
            {
                squares += (row[j] - mean[j]) * (row[j] - mean[j]);
            }

            std[j] = Math.Sqrt(squares / rows.Length);
        }

        return (mean, std);
    }

    private static void AssertClose(double[] expected, double[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var j = 0; j < expected.Length; j++)
        {
            Assert.True(Math.Abs(expected[j] - actual[j]) <= relative * Math.Max(1e-300, Math.Abs(expected[j])) || expected[j] == actual[j],
                $"entry {j}: expected {expected[j]:R}, got {actual[j]:R}");
        }
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task FitAsync_DenseDataFarFromZero_MatchesTwoPassFloat64Loop(int seed)
    {
        // Offsets of 1e6..1e9 with spreads near 1: E[x²] − E[x]² would lose most digits here.
        var random = new Random(seed);
        var d = random.Next(1, 12);
        var offsets = Enumerable.Range(0, d).Select(j => Math.Pow(10, 6 + (j % 4))).ToArray();
        var rows = Enumerable.Range(0, random.Next(1, 2_000))
            .Select(_ => offsets.Select(o => o + (random.NextDouble() * 2) - 1).ToArray()).ToArray();
        var (mean, std) = Reference(rows);

        var model = await new StandardScaler().FitAsync(_ctx.Parallelize(rows.Select(r => (Vector)Vectors.Dense(r)), random.Next(1, 7)), Ct);

        Assert.Equal(rows.Length, model.Count);
        AssertClose(mean, model.Mean, 1e-14);
        AssertClose(std, model.Std, 1e-7);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task FitAsync_SparseAndMixedData_CountsTheUnstoredZeros(int seed)
    {
        var random = new Random(seed);
        var d = random.Next(1, 20);
        var rows = Enumerable.Range(0, random.Next(1, 500))
            .Select(_ => Enumerable.Range(0, d).Select(j => random.NextDouble() < 0.3 ? 50 + (random.NextDouble() * j) : 0).ToArray()).ToArray();
        var vectors = rows.Select(r => random.Next(3) == 0 ? (Vector)Vectors.Dense(r) : Vectors.Dense(r).ToSparse()).ToList();
        var (mean, std) = Reference(rows);

        var model = await new StandardScaler().FitAsync(_ctx.Parallelize(vectors, random.Next(1, 5)), Ct);

        AssertClose(mean, model.Mean, 1e-12);
        AssertClose(std, model.Std, 1e-10);
    }

    [Fact]
    public async Task Transform_DenseCentredAndScaledSparseOnlyScaled_ConstantFeatureZero()
    {
        var train = _ctx.Parallelize(new[]
        {
            new LabeledPoint(1, Vectors.Dense(1, 10, 7)),
            new LabeledPoint(0, Vectors.Dense(3, 30, 7)),
        }, 2);

        var model = await new StandardScaler().FitAsync(train, Ct);
        var dense = model.Transform(Vectors.Dense(5, 20, 8));
        var sparse = (SparseVector)model.Transform(Vectors.Sparse(3, [0, 2], [4, 9]));

        Assert.Equal([2.0, 20, 7], model.Mean);
        Assert.Equal([1.0, 10, 0], model.Std);
        Assert.Equal([3.0, 0, 0], dense.ToArray());
        Assert.Equal([0], sparse.Indices);
        Assert.Equal([4.0], sparse.Values);
        Assert.Equal(3, sparse.Size);
        Assert.All(dense.ToArray(), x => Assert.False(double.IsNaN(x)));
    }

    [Fact]
    public async Task Transform_TestData_UsesTheTrainingStatistics()
    {
        var random = new Random(9);
        var trainRows = Enumerable.Range(0, 200).Select(_ => new[] { random.NextDouble() * 5, 100 + random.NextDouble() }).ToArray();
        var testRows = Enumerable.Range(0, 50).Select(_ => new[] { random.NextDouble() * 50, random.NextDouble() }).ToArray();
        var (mean, std) = Reference(trainRows);
        var model = await new StandardScaler().FitAsync(_ctx.Parallelize(trainRows.Select(r => new LabeledPoint(0, Vectors.Dense(r))), 3), Ct);

        var scaled = await model.Transform(_ctx.Parallelize(testRows.Select(r => new LabeledPoint(1, Vectors.Dense(r))), 2)).ToListAsync(Ct);

        for (var i = 0; i < testRows.Length; i++)
        {
            var expected = testRows[i].Select((x, j) => (x - mean[j]) / std[j]).ToArray();
            AssertClose(expected, scaled[i].Features.ToArray(), 1e-9);
            Assert.Equal(1, scaled[i].Label);
        }
    }

    [Fact]
    public async Task Transform_SparseRdd_StaysSparse()
    {
        var vectors = new Vector[] { Vectors.Sparse(4, [1], [2]), Vectors.Sparse(4, [1, 3], [4, 8]) };
        var model = await new StandardScaler().FitAsync(_ctx.Parallelize(vectors, 1), Ct);

        var scaled = await model.Transform(_ctx.Parallelize(vectors, 1)).ToListAsync(Ct);

        Assert.All(scaled, v => Assert.IsType<SparseVector>(v));
        Assert.Equal([0.0, 2, 0, 0], scaled[0].ToArray());
        Assert.Equal([0.0, 4, 0, 2], scaled[1].ToArray());
    }

    [Fact]
    public async Task FitAsync_BreastCancer_StandardisedFeaturesHaveMeanZeroAndPopulationStdOne()
    {
        var data = await _ctx.LoadCsvAsync(DataFiles.Path("breast_cancer.csv"), minPartitions: 3, cancellationToken: Ct);
        var counter = await JobCounter.AttachAsync(_ctx);

        var model = await new StandardScaler().FitAsync(data, Ct);
        await _ctx.Listeners.FlushAsync();
        var jobs = counter.Jobs;
        var scaled = (await model.Transform(data).ToListAsync(Ct)).Select(p => p.Features.ToArray()).ToArray();

        Assert.Equal(1, jobs);
        Assert.Equal(569, model.Count);
        var (mean, std) = Reference(scaled);
        Assert.All(mean, m => Assert.True(Math.Abs(m) < 1e-12, $"{m}"));
        Assert.All(std, s => Assert.Equal(1, s, 1e-12));
        var raw = Reference(DataFiles.ReadCsv("breast_cancer.csv").Select(r => r[..^1]).ToArray());
        AssertClose(raw.Mean, model.Mean, 1e-13);
        AssertClose(raw.Std, model.Std, 1e-12);
    }

    [Fact]
    public async Task Transform_OtherFeatureCount_ThrowsNamingBoth()
    {
        var model = await new StandardScaler().FitAsync(_ctx.Parallelize(new Vector[] { Vectors.Dense(1, 2) }, 1), Ct);

        var error = Assert.Throws<ArgumentException>(() => model.Transform(Vectors.Dense(1, 2, 3)));

        Assert.Contains("has 3 features, but the scaler was fitted to 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FitAsync_Empty_Throws()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await new StandardScaler().FitAsync(_ctx.Parallelize(Array.Empty<Vector>(), 2), Ct));
    }

    [Fact]
    public async Task FitAsync_VectorsOfDifferentSizes_Fails()
    {
        var vectors = new Vector[] { Vectors.Dense(1, 2), Vectors.Dense(1, 2, 3) };

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await new StandardScaler().FitAsync(_ctx.Parallelize(vectors, 1), Ct));

        Assert.Contains("has 3 features, the ones before it 2", (error.InnerException ?? error).Message, StringComparison.Ordinal);
    }
}

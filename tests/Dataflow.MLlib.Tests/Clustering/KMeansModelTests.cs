using Dataflow.MLlib.Clustering;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Persistence;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.Clustering;

public sealed class KMeansModelTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SaveThenLoad_PredictsTheSame()
    {
        using var temp = new TempDirectory();
        var rows = ClusterData.Iris();
        var model = await new KMeans { K = 3, Seed = 4 }.FitAsync(ClusterData.Vectors(_ctx, rows, 2), Ct);
        var dir = Path.Combine(temp.Path, "model");

        await model.SaveAsync(dir, cancellationToken: Ct);
        var loaded = await KMeansModel.LoadAsync(dir, Ct);

        Assert.Null(loaded.Summary);
        Assert.Equal(3, loaded.K);
        Assert.Equal(4, loaded.NumFeatures);
        Assert.Equal(ClusterData.Centers(model).SelectMany(c => c), ClusterData.Centers(loaded).SelectMany(c => c));
        Assert.Equal(rows.Select(r => model.Predict(Vectors.Dense(r))), rows.Select(r => loaded.Predict(Vectors.Dense(r))));
        Assert.Equal(await model.Transform(ClusterData.Vectors(_ctx, rows, 3)).ToListAsync(Ct), await loaded.Transform(ClusterData.Vectors(_ctx, rows, 2)).ToListAsync(Ct));
        await Assert.ThrowsAsync<IOException>(() => model.SaveAsync(dir, cancellationToken: Ct));
    }

    [Fact]
    public async Task Load_OfAModelWhoseDataDoesNotFitKTimesFeatures_IsAFormatError()
    {
        using var temp = new TempDirectory();
        var model = new KMeansModel([Vectors.Dense(1, 2), Vectors.Dense(3, 4)]);
        await model.SaveAsync(temp.Path, overwrite: true, cancellationToken: Ct);
        var metadataPath = Path.Combine(temp.Path, "metadata.json");
        File.WriteAllText(metadataPath, File.ReadAllText(metadataPath).Replace("\"k\": 2", "\"k\": 3", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<ModelFormatException>(() => KMeansModel.LoadAsync(temp.Path, Ct));
        Assert.Contains("k = 3 centres of 2 features needs 6 numbers, but the data holds 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PredictAndTransform_GiveTheNearestCentreFirstOfEquals_DenseAndSparse()
    {
        var model = new KMeansModel([Vectors.Dense(0, 0, 0), Vectors.Dense(4, 0, 0), Vectors.Dense(0, 0, 9)]);
        Vector[] vectors = [Vectors.Dense(1, 0, 0), Vectors.Dense(2, 0, 0), Vectors.Sparse(3, [0], [3.5]), Vectors.Sparse(3, [2], [8]), Vectors.Sparse(3, [], [])];

        Assert.Equal([0, 0, 1, 2, 0], vectors.Select(model.Predict));
        Assert.Equal([0, 0, 1, 2, 0], await model.Transform(_ctx.Parallelize(vectors, 2)).ToListAsync(Ct));
        Assert.Equal([0, 0, 1, 2, 0], await model.Transform(_ctx.Parallelize(vectors.Select(v => new LabeledPoint(7, v)).ToList(), 3)).ToListAsync(Ct));
        var cost = await model.ComputeCostAsync(_ctx.Parallelize(vectors, 2), Ct);
        Assert.Equal(1 + 4 + 0.25 + 1 + 0, cost, 12);
        var error = Assert.Throws<ArgumentException>(() => model.Predict(Vectors.Dense(1, 2)));
        Assert.Contains("has 2 features, but the model's centres have 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FitAsync_BadSettingsOrTooFewRows_FailWithTheirNames()
    {
        var data = ClusterData.Vectors(_ctx, [[1, 2], [3, 4]], 2);

        Assert.Contains("K", Assert.Throws<ArgumentOutOfRangeException>(() => { _ = new KMeans { K = 0 }.FitAsync(data, Ct); }).ParamName, StringComparison.Ordinal);
        Assert.Equal("Tolerance", Assert.Throws<ArgumentOutOfRangeException>(() => { _ = new KMeans { Tolerance = double.NaN }.FitAsync(data, Ct); }).ParamName);
        Assert.Equal("Runs", Assert.Throws<ArgumentOutOfRangeException>(() => { _ = new KMeans { Runs = 0 }.FitAsync(data, Ct); }).ParamName);
        var tooFew = await Assert.ThrowsAsync<InvalidOperationException>(() => new KMeans { K = 3 }.FitAsync(data, Ct));
        Assert.Contains("K = 3 needs at least 3 rows, but the data has 2", tooFew.Message, StringComparison.Ordinal);
        var wrongSize = await Assert.ThrowsAsync<ArgumentException>(() => new KMeans { K = 1, InitialCenters = [Vectors.Dense(1, 2, 3)] }.FitAsync(data, Ct));
        Assert.Contains("has 3 features but the data has 2", wrongSize.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FitAsync_RowsOfDifferentSizesInDifferentPartitions_FailNamingBothCounts()
    {
        var data = _ctx.Parallelize(new[] { (Vector)Vectors.Dense(1, 2), Vectors.Dense(3, 4), Vectors.Dense(1, 2, 3), Vectors.Dense(4, 5, 6) }, 2);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => new KMeans { K = 2 }.FitAsync(data, Ct));

        var cause = error is JobFailedException { InnerException: { } inner } ? inner : error;
        Assert.Contains("rows of 2 and of 3 features", cause.Message, StringComparison.Ordinal);
    }
}

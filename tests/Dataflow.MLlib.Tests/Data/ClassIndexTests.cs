using Dataflow.MLlib.Data;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.Data;

public sealed class ClassIndexTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Rdd<LabeledPoint> Points(params double[] labels) =>
        _ctx.Parallelize(labels.Select(l => new LabeledPoint(l, Vectors.Dense(1))), 3);

    [Theory]
    [InlineData(new[] { 1.0, 0, 0, 1, 1 }, new[] { 0.0, 1 })]
    [InlineData(new[] { 1.0, -1, -1, 1 }, new[] { -1.0, 1 })]
    [InlineData(new[] { 3.0, 1, 2, 3, 1 }, new[] { 1.0, 2, 3 })]
    [InlineData(new[] { 7.5, -2, 0.25 }, new[] { -2, 0.25, 7.5 })]
    public async Task FitAsync_Labels_BecomeClassesInAscendingOrder(double[] labels, double[] expected)
    {
        var classes = await ClassIndex.FitAsync(Points(labels), cancellationToken: Ct);

        Assert.Equal(expected, classes.Labels);
        Assert.Equal(expected.Length, classes.Count);
        for (var k = 0; k < expected.Length; k++)
        {
            Assert.Equal(k, classes.IndexOf(expected[k]));
            Assert.Equal(expected[k], classes.LabelOf(k));
        }
    }

    [Fact]
    public async Task FitAsync_NegativeAndPositiveZero_AreOneClass()
    {
        var classes = await ClassIndex.FitAsync(Points(-0.0, 0.0, 1), cancellationToken: Ct);

        Assert.Equal(2, classes.Count);
        Assert.Equal(0, classes.IndexOf(-0.0));
        Assert.Equal(0, classes.IndexOf(0.0));
    }

    [Fact]
    public async Task FitAsync_Iris_HasThreeClasses()
    {
        var iris = await _ctx.LoadCsvAsync(DataFiles.Path("iris.csv"), cancellationToken: Ct);

        var classes = await ClassIndex.FitAsync(iris, cancellationToken: Ct);

        Assert.Equal([0.0, 1, 2], classes.Labels);
    }

    [Fact]
    public async Task FitAsync_MoreDistinctLabelsThanAllowed_ThrowsSuggestingARegressionTarget()
    {
        var points = _ctx.Parallelize(Enumerable.Range(0, 50).Select(i => new LabeledPoint(i * 0.1, Vectors.Dense(1))), 5);

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await ClassIndex.FitAsync(points, maxClasses: 8, cancellationToken: Ct));

        var cause = error as ArgumentException ?? Assert.IsType<ArgumentException>(error.InnerException);
        Assert.Contains("more than 8 distinct values", cause.Message, StringComparison.Ordinal);
        Assert.Contains("regression target", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FitAsync_ManyPartitionsTogetherPastTheLimit_Throws()
    {
        // Each partition alone has at most 4 labels; together 12.
        var points = _ctx.Parallelize(Enumerable.Range(0, 12).Select(i => new LabeledPoint(i, Vectors.Dense(1))), 3);

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await ClassIndex.FitAsync(points, maxClasses: 10, cancellationToken: Ct));

        Assert.Contains("more than 10 distinct values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FitAsync_NaNLabel_Throws()
    {
        var error = await Errors.JobCauseAsync<ArgumentException>(async () => await ClassIndex.FitAsync(Points(1, double.NaN), cancellationToken: Ct));

        Assert.Contains("Label NaN is not a finite number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexOf_LabelNotAClass_ThrowsListingTheClasses()
    {
        var classes = new ClassIndex([-1, 1]);

        var error = Assert.Throws<ArgumentException>(() => classes.IndexOf(0));

        Assert.Contains("Label 0 is not one of the 2 classes (-1, 1)", error.Message, StringComparison.Ordinal);
        Assert.False(classes.TryIndexOf(double.NaN, out var index));
        Assert.Equal(-1, index);
    }

    [Theory]
    [InlineData(new[] { 1.0, 0 })]
    [InlineData(new[] { 1.0, 1 })]
    [InlineData(new[] { 0, double.PositiveInfinity })]
    public void Constructor_LabelsNotStrictlyAscendingAndFinite_Throws(double[] labels) =>
        Assert.Throws<ArgumentException>(() => new ClassIndex(labels));
}

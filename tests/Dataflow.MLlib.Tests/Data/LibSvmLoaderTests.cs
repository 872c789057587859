using System.Globalization;
using System.Text;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.Data;

public sealed class LibSvmLoaderTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>, IDisposable
{
    private readonly DataflowContext _ctx = fixture.Context;
    private readonly TempDirectory _dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private async Task<List<LabeledPoint>> LoadAsync(string path, int? numFeatures = null, int? minPartitions = null) =>
        await (await _ctx.LoadLibSvmAsync(path, numFeatures, minPartitions, Ct)).ToListAsync(Ct);

    [Fact]
    public async Task LoadLibSvm_Lines_GiveSparsePointsWithZeroBasedIndicesAndTheLargestIndexAsSize()
    {
        var file = _dir.Write("a.txt", "1 1:0.5 3:2\n-1 2:1e-3\t 7:-4E+1\n0\n");

        var points = await LoadAsync(file);

        Assert.Equal(
        [
            new LabeledPoint(1, Vectors.Sparse(7, [0, 2], [0.5, 2])),
            new LabeledPoint(-1, Vectors.Sparse(7, [1, 6], [0.001, -40])),
            new LabeledPoint(0, Vectors.Sparse(7, [], [])),
        ], points);
        Assert.All(points, p => Assert.IsType<SparseVector>(p.Features));
    }

    [Fact]
    public async Task LoadLibSvm_CommentsBlankLinesRunsOfWhitespaceAndCrlf_AreSkippedOrAllowed()
    {
        var file = _dir.Write("a.txt", "# a comment line\r\n\r\n   \t \r\n  +1   2:3  \t 4:5   # trailing comment\r\n2.5e0 1:1 \t\r\n#\n");

        var points = await LoadAsync(file);

        Assert.Equal([new LabeledPoint(1, Vectors.Sparse(4, [1, 3], [3, 5])), new LabeledPoint(2.5, Vectors.Sparse(4, [0], [1]))], points);
    }

    [Fact]
    public async Task LoadLibSvm_GivenFeatureCount_IsTheSizeEvenAboveTheLargestIndex()
    {
        var file = _dir.Write("a.txt", "1 2:1\n");

        var point = Assert.Single(await LoadAsync(file, numFeatures: 10));

        Assert.Equal(10, point.Features.Size);
        Assert.Equal(1, point.Features[1]);
    }

    [Fact]
    public async Task LoadLibSvm_TestFileWithMoreFeaturesThanTheModel_ThrowsNamingBothCounts()
    {
        var file = _dir.Write("test.txt", "1 2:1\n0 3:1 12:5\n");

        var error = await Errors.BadInputAsync(async () => await LoadAsync(file, numFeatures: 10));

        Assert.Equal($"{file}:2: feature index 12 needs at least 12 features, but the feature count is 10 (given, e.g. the model's); the data has more features than the model was trained with",
            error.Message);
    }

    [Fact]
    public async Task LoadLibSvm_DirectoryOfFiles_SizeIsTheLargestIndexOfAnyFile()
    {
        _dir.Write("d/part-0", "1 1:1\n");
        _dir.Write("d/part-1", "0 9:2\n");
        _dir.Write("d/part-2", "# only a comment\n");

        var points = await LoadAsync(Path.Combine(_dir.Path, "d"));

        Assert.Equal([9, 9], points.Select(p => p.Features.Size));
        Assert.Equal([1.0, 0.0], points.Select(p => p.Label));
    }

    [Fact]
    public async Task LoadLibSvm_OnlyCommentsOrEmpty_GivesNoPoints()
    {
        Assert.Empty(await LoadAsync(_dir.Write("c.txt", "# nothing\n\n")));
        Assert.Empty(await LoadAsync(_dir.Write("e.txt", "")));
    }

    [Theory]
    [InlineData("1 1:1\nx 1:1\n", 2, "the label is 'x', not a number (write numbers with '.' as the decimal point, e.g. 1.5 or 2e-3); a line is 'label index:value ...'")]
    [InlineData("1 1:1 2\n", 1, "'2' is not index:value; a line is 'label index:value ...', e.g. '1 3:0.5 7:2'")]
    [InlineData("1 0:1\n", 1, "feature index '0' in '0:1' is not a whole number ≥ 1; LIBSVM indices are 1-based")]
    [InlineData("1 -2:1\n", 1, "feature index '-2' in '-2:1' is not a whole number ≥ 1; LIBSVM indices are 1-based")]
    [InlineData("1 a:1\n", 1, "feature index 'a' in 'a:1' is not a whole number ≥ 1; LIBSVM indices are 1-based")]
    [InlineData("\n1 3:1 2:1\n", 2, "feature index 2 comes after 3; indices must be strictly ascending (each at most once); sort the entries of the line")]
    [InlineData("1 3:1 3:1\n", 1, "feature index 3 comes after 3; indices must be strictly ascending (each at most once); sort the entries of the line")]
    [InlineData("# c\n1 3:y\n", 2, "the value of feature 3 is 'y', not a number (write numbers with '.' as the decimal point, e.g. 1.5 or 2e-3)")]
    [InlineData("1 3:\n", 1, "the value of feature 3 is '', not a number (write numbers with '.' as the decimal point, e.g. 1.5 or 2e-3)")]
    [InlineData("1 3:NaN\n", 1, "the value of feature 3 is 'NaN', which is not a finite number (NaN and infinities cannot be trained on)")]
    [InlineData("inf 3:1\n", 1, "the label is 'inf', not a number (write numbers with '.' as the decimal point, e.g. 1.5 or 2e-3); a line is 'label index:value ...'")]
    [InlineData("1 2:1,5\n", 1, "the value of feature 2 is '1,5', not a number (write numbers with '.' as the decimal point, e.g. 1.5 or 2e-3)")]
    public async Task LoadLibSvm_BadLine_ThrowsAtLoadWithFileLineAndProblem(string text, int line, string problem)
    {
        var file = _dir.Write("bad.txt", text);

        var error = await Errors.BadInputAsync(async () => await _ctx.LoadLibSvmAsync(file, cancellationToken: Ct));

        Assert.Equal($"{file}:{line}: {problem}", error.Message);
    }

    [Fact]
    public async Task LoadLibSvm_BadLineInALaterSplitOfALargeFile_NamesItsLine()
    {
        var text = new StringBuilder();
        for (var i = 1; i <= 30_000; i++)
        {
            text.Append(i == 23_456 ? "1 5:1 4:1\n" : $"{i % 2} 1:{i} 5:0.5\n");
        }

        var file = _dir.Write("big.txt", text.ToString());

        var error = await Errors.BadInputAsync(async () => await _ctx.LoadLibSvmAsync(file, minPartitions: 6, cancellationToken: Ct));

        Assert.Equal(23_456, error.Line);
        Assert.StartsWith($"{file}:23456: feature index 4 comes after 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadLibSvm_ManySplits_ReadsEveryLineOnceInOrder()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 25_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i % 3} {(i % 50) + 1}:{i}\n");
        }

        var file = _dir.Write("big.txt", text.ToString());

        var points = await LoadAsync(file, minPartitions: 5);

        Assert.Equal(25_000, points.Count);
        Assert.All(points, p => Assert.Equal(50, p.Features.Size));
        Assert.Equal(Enumerable.Range(0, 25_000).Select(i => (double)i), points.Select(p => ((SparseVector)p.Features).Values[0]));
        Assert.Equal(Enumerable.Range(0, 25_000).Select(i => i % 50), points.Select(p => ((SparseVector)p.Features).Indices[0]));
    }
}

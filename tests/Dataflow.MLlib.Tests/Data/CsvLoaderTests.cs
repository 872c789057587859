using System.Globalization;
using System.Text;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.Data;

public sealed class CsvLoaderTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>, IDisposable
{
    private readonly DataflowContext _ctx = fixture.Context;
    private readonly TempDirectory _dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private async Task<List<LabeledPoint>> LoadAsync(string path, LabelColumn label = default, int? numFeatures = null, int? minPartitions = null) =>
        await (await _ctx.LoadCsvAsync(path, label, numFeatures, minPartitions, Ct)).ToListAsync(Ct);

    [Fact]
    public async Task LoadCsv_Iris_GivesEveryRowWithLabelLastAndFeaturesInOrder()
    {
        var expected = DataFiles.ReadCsv("iris.csv");

        var points = await LoadAsync(DataFiles.Path("iris.csv"), minPartitions: 3);

        Assert.Equal(150, points.Count);
        Assert.All(points, p => Assert.IsType<DenseVector>(p.Features));
        Assert.Equal(expected.Select(r => r[^1]), points.Select(p => p.Label));
        Assert.Equal(expected.Select(r => r[..^1]), points.Select(p => p.Features.ToArray()));
        Assert.Equal([0.0, 1.0, 2.0], points.Select(p => p.Label).Distinct().Order());
    }

    [Fact]
    public async Task LoadCsv_BreastCancer_Gives569RowsOf30Features()
    {
        var expected = DataFiles.ReadCsv("breast_cancer.csv");

        var points = await LoadAsync(DataFiles.Path("breast_cancer.csv"), "label", minPartitions: 4);

        Assert.Equal(569, points.Count);
        Assert.All(points, p => Assert.Equal(30, p.Features.Size));
        Assert.Equal(expected.Select(r => r[^1]), points.Select(p => p.Label));
        Assert.Equal(expected.Select(r => r[..^1]), points.Select(p => p.Features.ToArray()));
    }

    [Fact]
    public async Task LoadCsv_NoLabelColumn_MakesEveryColumnAFeatureWithLabelZero()
    {
        var file = _dir.Write("a.csv", "a,y,b\n1,10,2\n4,20,5\n");

        var points = await LoadAsync(file, LabelColumn.None, numFeatures: 3);
        var single = await LoadAsync(_dir.Write("b.csv", "x\n7\n8\n"), LabelColumn.None);
        var wrongCount = await Errors.BadInputAsync(() => LoadAsync(file, LabelColumn.None, numFeatures: 2));

        Assert.Equal([0.0, 0.0], points.Select(p => p.Label));
        Assert.Equal([[1.0, 10, 2], [4.0, 20, 5]], points.Select(p => p.Features.ToArray()));
        Assert.Equal([[7.0], [8.0]], single.Select(p => p.Features.ToArray()));
        Assert.Contains($"{file}:1: the header has 3 feature columns", wrongCount.Message, StringComparison.Ordinal);
        Assert.False(LabelColumn.None.IsLast);
        Assert.NotEqual(LabelColumn.Last, LabelColumn.None);
    }

    [Theory]
    [InlineData("y")]
    [InlineData("1")]
    public async Task LoadCsv_LabelColumnByNameOrIndex_TakesThatColumnAndKeepsTheOthersInOrder(string column)
    {
        var file = _dir.Write("a.csv", "a,y,b,c\n1,10,2,3\n4,20,5,6\n");

        var points = await LoadAsync(file, LabelColumn.Parse(column));

        Assert.Equal([10.0, 20.0], points.Select(p => p.Label));
        Assert.Equal([[1.0, 2, 3], [4.0, 5, 6]], points.Select(p => p.Features.ToArray()));
    }

    [Fact]
    public async Task LoadCsv_FirstColumnAsLabel_Works()
    {
        var file = _dir.Write("a.csv", "label,x\n1,2\n");

        var point = Assert.Single(await LoadAsync(file, 0));

        Assert.Equal(new LabeledPoint(1, Vectors.Dense(2)), point);
    }

    [Fact]
    public async Task LoadCsv_NumberForms_InvariantWithExponentsSpacesQuotesBomCrlfAndBlankLines()
    {
        var file = _dir.Write("a.csv", "\uFEFF\"x 1\", x2 ,label\r\n1e-3, -2.5E+2 ,\"1\"\r\n\r\n  \r\n+4,.5,0\r\n\n");

        var points = await LoadAsync(file, "label");

        Assert.Equal([new LabeledPoint(1, Vectors.Dense(0.001, -250)), new LabeledPoint(0, Vectors.Dense(4, 0.5))], points);
    }

    [Fact]
    public async Task LoadCsv_DirectoryOfFilesEachWithHeader_ReadsAllRowsInFileOrder()
    {
        _dir.Write("data/part-1.csv", "x,y,label\n1,1,0\n2,2,1\n");
        _dir.Write("data/part-0.csv", "x,y,label\n0,0,1\n");
        _dir.Write("data/part-2.csv", "x,y,label\n3,3,0\n4,4,0\n5,5,1\n");
        _dir.Write("data/_SUCCESS", "");

        var points = await LoadAsync(Path.Combine(_dir.Path, "data"));
        var globbed = await LoadAsync(Path.Combine(_dir.Path, "data", "part-[12].csv"));

        Assert.Equal([0.0, 1, 2, 3, 4, 5], points.Select(p => p.Features[0]));
        Assert.Equal([1.0, 0, 1, 0, 0, 1], points.Select(p => p.Label));
        Assert.Equal([1.0, 2, 3, 4, 5], globbed.Select(p => p.Features[0]));
    }

    [Fact]
    public async Task LoadCsv_ManySplits_ReadsEveryRowOnceAndSkipsOnlyTheHeader()
    {
        var text = new StringBuilder("a,b,label\n");
        for (var i = 0; i < 20_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i},{i * 0.5},{i % 2}\n");
        }

        var file = _dir.Write("big.csv", text.ToString());
        var rdd = await _ctx.LoadCsvAsync(file, minPartitions: 7, cancellationToken: Ct);

        var points = await rdd.ToListAsync(Ct);

        Assert.True(rdd.NumPartitions >= 7);
        Assert.Equal(Enumerable.Range(0, 20_000).Select(i => (double)i), points.Select(p => p.Features[0]));
    }

    [Fact]
    public async Task LoadCsv_NonNumericFieldInALaterSplit_NamesFileLineColumnAndTheFix()
    {
        var text = new StringBuilder("a,b,label\n");
        for (var i = 0; i < 10_000; i++)
        {
            text.Append(i == 8_765 ? "1,abc,0\n" : "1,2,0\n");
        }

        var file = _dir.Write("bad.csv", text.ToString());

        var error = await Errors.BadInputAsync(async () => await LoadAsync(file, minPartitions: 5));

        Assert.Equal($"{file}:8767: column 'b' (field 2) is 'abc', not a number (write numbers with '.' as the decimal point, e.g. 1.5 or 2e-3); fix the value or remove the row",
            error.Message);
        Assert.Equal(file, error.Source);
        Assert.Equal(8767, error.Line);
    }

    [Theory]
    [InlineData("x,y,label\n1,2,0\n1,2\n", 3, "found 2 fields, but the header has 3 columns; every row needs one comma-separated value per header column")]
    [InlineData("x,y,label\n1,2,0,9\n", 2, "found 4 fields, but the header has 3 columns; every row needs one comma-separated value per header column")]
    [InlineData("x,y,label\n1,,0\n", 2, "column 'y' (field 2) is '', not a number (write numbers with '.' as the decimal point, e.g. 1.5 or 2e-3); fix the value or remove the row")]
    [InlineData("x,y,label\n1,2,cat\n", 2, "column 'label' (field 3) is 'cat', not a number (write numbers with '.' as the decimal point, e.g. 1.5 or 2e-3); fix the value or remove the row")]
    [InlineData("x,y,label\n1,2,0\n1,NaN,0\n", 3, "column 'y' (field 2) is 'NaN', which is not a finite number (NaN and infinities cannot be trained on); fix the value or remove the row")]
    [InlineData("x,y,label\n1,2,0\n\n1;5,2,1\n", 4, "column 'x' (field 1) is '1;5', not a number (write numbers with '.' as the decimal point, e.g. 1.5 or 2e-3); fix the value or remove the row")]
    [InlineData("x,y,label\n1e999,2,0\n", 2, "column 'x' (field 1) is '1e999', which is not a finite number (NaN and infinities cannot be trained on); fix the value or remove the row")]
    public async Task LoadCsv_BadRow_FailsWithFileLineAndProblem(string text, int line, string problem)
    {
        var file = _dir.Write("bad.csv", text);

        var error = await Errors.BadInputAsync(async () => await LoadAsync(file));

        Assert.Equal($"{file}:{line}: {problem}", error.Message);
    }

    [Fact]
    public async Task LoadCsv_DecimalComma_IsRejectedNotMisread()
    {
        // With a comma as decimal point the row has too many fields, never a silently different number.
        var file = _dir.Write("bad.csv", "x,label\n1,5,0\n");

        var error = await Errors.BadInputAsync(async () => await LoadAsync(file));

        Assert.Equal($"{file}:2: found 3 fields, but the header has 2 columns; every row needs one comma-separated value per header column", error.Message);
    }

    [Fact]
    public async Task LoadCsv_UnknownLabelName_ThrowsAtHeaderListingTheColumns()
    {
        var file = _dir.Write("a.csv", "x,y,label\n1,2,0\n");

        var error = await Errors.BadInputAsync(async () => await _ctx.LoadCsvAsync(file, "class", cancellationToken: Ct));

        Assert.Equal($"{file}:1: no column named 'class' in the header (x, y, label); give --label-column one of these names or a 0-based index", error.Message);
    }

    [Fact]
    public async Task LoadCsv_LabelIndexPastTheColumns_ThrowsAtHeader()
    {
        var file = _dir.Write("a.csv", "x,y,label\n1,2,0\n");

        var error = await Errors.BadInputAsync(async () => await _ctx.LoadCsvAsync(file, 3, cancellationToken: Ct));

        Assert.Equal($"{file}:1: label column index 3 is past the 3 columns of the header (0-based: 0..2); give --label-column a smaller index or a column name", error.Message);
    }

    [Fact]
    public async Task LoadCsv_FilesWithDifferentHeaders_ThrowsNamingBothFiles()
    {
        var first = _dir.Write("d/a.csv", "x,y,label\n1,2,0\n");
        var second = _dir.Write("d/b.csv", "x,z,label\n1,2,0\n");

        var error = await Errors.BadInputAsync(async () => await _ctx.LoadCsvAsync(Path.Combine(_dir.Path, "d"), cancellationToken: Ct));

        Assert.Equal($"{second}:1: the header (x, z, label) differs from that of {first} (x, y, label); the files of one data set need the same columns in the same order", error.Message);
    }

    [Fact]
    public async Task LoadCsv_HeaderWithoutFeatures_Throws()
    {
        var file = _dir.Write("a.csv", "label\n1\n");

        var error = await Errors.BadInputAsync(async () => await _ctx.LoadCsvAsync(file, cancellationToken: Ct));

        Assert.Equal($"{file}:1: the header 'label' does not name a label and at least one feature column; a CSV file starts with a row of column names, e.g. 'x1,x2,label'", error.Message);
    }

    [Fact]
    public async Task LoadCsv_FeatureCountDiffersFromTheModel_ThrowsNamingBothCounts()
    {
        var file = _dir.Write("test.csv", "a,b,c,label\n1,2,3,0\n");

        var error = await Errors.BadInputAsync(async () => await _ctx.LoadCsvAsync(file, numFeatures: 2, cancellationToken: Ct));

        Assert.Equal($"{file}:1: the header has 3 feature columns besides the label, but 2 were expected (the model's feature count)", error.Message);
        Assert.Single(await LoadAsync(file, numFeatures: 3));
    }

    [Fact]
    public async Task LoadCsv_EmptyFile_GivesNoPoints()
    {
        var file = _dir.Write("empty.csv", "");

        Assert.Empty(await LoadAsync(file));
    }

    [Fact]
    public async Task LoadCsv_MissingPath_ThrowsFileNotFound()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(async () => await _ctx.LoadCsvAsync(Path.Combine(_dir.Path, "none.csv"), cancellationToken: Ct));
    }
}

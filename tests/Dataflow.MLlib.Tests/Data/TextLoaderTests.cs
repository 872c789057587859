using System.Text.RegularExpressions;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Tests.Support;
using Dataflow.Partitioning;

namespace Dataflow.MLlib.Tests.Data;

public sealed partial class TextLoaderTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>, IDisposable
{
    private readonly TempDirectory _dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task LoadText_HashesLowerCasedWords_WithBinaryValues()
    {
        var file = _dir.Write("docs.tsv", "1\tIt is a truth, a TRUTH universally acknowledged.\n\n0\tfoo_bar 42 Ünïcode\n");

        var points = await (await fixture.Context.LoadTextAsync(file, numFeatures: 1000, cancellationToken: Ct)).ToListAsync(Ct);

        Assert.Equal(2, points.Count);
        Assert.Equal([1.0, 0.0], points.Select(p => p.Label));
        Assert.Equal(Expected("It is a truth, a TRUTH universally acknowledged.", 1000), points[0].Features);
        Assert.Equal(Expected("foo_bar 42 Ünïcode", 1000), points[1].Features);
        Assert.Equal(3, ((SparseVector)points[1].Features).Indices.Length); // foo, bar, ünïcode (unless two collide)
    }

    [Theory]
    [InlineData("1 no tab here\n", "docs.tsv:1: no tab")]
    [InlineData("1\tfine\nyes\tbad label\n", "docs.tsv:2: the label (before the tab) is 'yes', not a number")]
    public async Task LoadText_BadLine_NamesFileAndLine(string text, string expected)
    {
        var file = _dir.Write("docs.tsv", text);
        var points = await fixture.Context.LoadTextAsync(file, cancellationToken: Ct);
        var error = await Assert.ThrowsAsync<JobFailedException>(() => points.ToListAsync(Ct));
        var bad = Assert.IsType<BadInputException>(error.InnerException);
        Assert.Contains(expected, bad.Message);
    }

    [Fact]
    public void CommittedTextData_IsTheLinesWithFiveOrMoreWords()
    {
        var rows = File.ReadAllLines(DataFiles.Path("austen-vs-jargon.tsv")).Select(l => l.Split('\t')).ToList();
        Assert.All(rows, r => Assert.Equal(2, r.Length));

        foreach (var (source, label) in new[] { ("austen.txt", "1"), ("jargon.txt", "0") })
        {
            var expected = File.ReadAllLines(DataFiles.Path(source))
                .Select(l => l.Replace('\t', ' ').Trim())
                .Where(l => Words().Count(l) >= 5)
                .Order(StringComparer.Ordinal);
            var actual = rows.Where(r => r[0] == label).Select(r => r[1]).Order(StringComparer.Ordinal);
            Assert.Equal(expected, actual);
        }
    }

    // Written here independently of the loader: \p{L} is the letter categories char.IsLetter takes.
    private static Vector Expected(string document, int features)
    {
        var indices = Words().Matches(document)
            .Select(m => (int)((uint)StableHash.Of(m.Value.ToLowerInvariant()) % (uint)features))
            .Distinct().Order().ToArray();
        return Vectors.Sparse(features, indices, [.. indices.Select(_ => 1.0)]);
    }

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Words();
}

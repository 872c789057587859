using System.IO.Compression;
using System.Text;
using Dataflow.Rdds;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>WholeTextFiles: one (path, content) record per visible file, UTF-8, gzip, globs, and size-balanced partitions.</summary>
public sealed class WholeTextFilesTests(ContextFixture fixture) : IClassFixture<ContextFixture>, IDisposable
{
    private readonly DataflowContext _ctx = fixture.Context;
    private readonly string _temp = Directory.CreateTempSubdirectory("dataflow-whole-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_temp, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(20)]
    public async Task WholeTextFiles_Directory_OneRecordPerVisibleFileWithExactContent(int minPartitions)
    {
        var random = new Random(minPartitions);
        var expected = new Dictionary<string, string>();
        for (var i = 0; i < 12; i++)
        {
            var content = string.Join(i % 2 == 0 ? "\n" : "\r\n", Enumerable.Range(0, random.Next(0, 300)).Select(j => $"line {j} é日本 {new string('x', random.Next(40))}"));
            expected[Write($"doc{i:D2}.txt", content)] = content;
        }

        expected[Write("empty.txt", "")] = "";
        Write("_SUCCESS", "");
        Write(".hidden", "secret");
        Write("sub/nested.txt", "a directory's subdirectories are not read");
        var rdd = _ctx.WholeTextFiles(_temp, minPartitions);
        var records = await rdd.ToListAsync(Ct);
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)), records);
        Assert.InRange(rdd.NumPartitions, Math.Min(minPartitions, expected.Count), expected.Count);
    }

    [Fact]
    public async Task WholeTextFiles_GlobGzipAndInvalidUtf8_AreReadLikeTextFile()
    {
        var gz = Path.Combine(_temp, "b.log.gz");
        await using (var gzip = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes("compressed\ncontent"), Ct);
        }

        var bad = Path.Combine(_temp, "c.log");
        await File.WriteAllBytesAsync(bad, [0x61, 0xFF, 0x62], Ct);
        var plain = Write("a.log", "plain");
        Write("skip.txt", "not matched by the glob");
        var records = await _ctx.WholeTextFiles(Path.Combine(_temp, "*.{log,gz}")).ToListAsync(Ct);
        Assert.Equal([(plain, "plain"), (gz, "compressed\ncontent"), (bad, "a\uFFFDb")], records);
    }

    [Fact]
    public async Task WholeTextFiles_MissingPath_IsLazyAndFailsTheActionNamingThePath()
    {
        var missing = Path.Combine(_temp, "absent");
        var rdd = _ctx.WholeTextFiles(missing);
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => rdd.CountAsync(Ct));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ctx.WholeTextFiles(_temp, 0));
    }

    [Fact]
    public void Pack_OneBigFileThenSmallOnes_BalancesBySizeAndStillMakesTheMinimumCount()
    {
        var sizes = new[] { 1000, 10, 10, 10, 10, 10 };
        var files = sizes.Select((size, i) => new FileInfo(Write($"p{i}.txt", new string('x', size)))).ToList();
        var groups = WholeTextFileRdd.Pack(files, 4);
        Assert.True(groups.Count >= 4, $"{groups.Count} groups");
        Assert.Equal(files.Select(f => f.FullName), groups.SelectMany(g => g));
        Assert.Equal([files[0].FullName], groups[0]);
        Assert.Single(WholeTextFileRdd.Pack(files, 1));
        Assert.Equal(6, WholeTextFileRdd.Pack(files, 50).Count);
    }
}

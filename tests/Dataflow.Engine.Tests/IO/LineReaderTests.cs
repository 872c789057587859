using System.IO.Compression;
using System.Text;
using Dataflow.IO;

namespace Dataflow.Tests.IO;

public sealed class LineReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static List<string> Read(TextSplit split, int bufferSize = LineReader.DefaultBufferSize)
    {
        using var reader = LineReader.Open(split, bufferSize: bufferSize);
        return reader.EnumerateLines(CancellationToken.None).ToList();
    }

    private List<string> ReadWhole(string text) => ReadWhole(Encoding.UTF8.GetBytes(text));

    private List<string> ReadWhole(byte[] bytes)
    {
        string path = _dir.Write("f.txt", bytes);
        return [.. LineReader.ReadLines(new TextSplit(path, 0, bytes.Length, IsWholeFile: false), CancellationToken.None)];
    }

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("\n", new[] { "" })]
    [InlineData("\n\n", new[] { "", "" })]
    [InlineData("a", new[] { "a" })]
    [InlineData("a\nb", new[] { "a", "b" })]
    [InlineData("a\nb\n", new[] { "a", "b" })]
    [InlineData("a\r\nb\r\n", new[] { "a", "b" })]
    [InlineData("a\rb\nc\r", new[] { "a\rb", "c" })]
    [InlineData("a\r\r\n", new[] { "a\r" })]
    [InlineData("\r\n\r\n", new[] { "", "" })]
    public void ReadLines_SmallFile_FollowsLineRules(string text, string[] expected)
    {
        Assert.Equal(expected, ReadWhole(text));
    }

    [Fact]
    public void ReadLines_InvalidUtf8_BecomesReplacementCharacter()
    {
        Assert.Equal(["a\uFFFDb", "\uFFFD", "é"], ReadWhole([(byte)'a', 0xFF, (byte)'b', (byte)'\n', 0xC3, (byte)'\n', 0xC3, 0xA9]));
    }

    [Fact]
    public void ReadLines_LineLongerThanBuffer_IsReadWhole()
    {
        string longLine = string.Concat(Enumerable.Repeat("日本é😀x", 500));
        string path = _dir.Write("f.txt", "a\n" + longLine + "\nb");
        long length = new FileInfo(path).Length;

        var lines = Read(new TextSplit(path, 0, length, IsWholeFile: false), bufferSize: 7);

        Assert.Equal(["a", longLine, "b"], lines);
    }

    [Fact]
    public void ReadLines_GzipWholeFile_ReadsDecompressedLines()
    {
        string path = _dir.Combine("f.txt.gz");
        string[] expected = [.. Enumerable.Range(0, 5000).Select(i => $"line {i} é"), ""];
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes(string.Join("\r\n", expected) + "\r\n"));
        }

        var split = Assert.Single(TextSplitter.Compute([new FileInfo(path)], minPartitions: 4));
        using var reader = LineReader.Open(split, bufferSize: 1000);
        var lines = reader.EnumerateLines(CancellationToken.None).ToList();

        Assert.Equal(expected, lines);
        Assert.Equal(new FileInfo(path).Length, reader.BytesRead);
    }

    [Fact]
    public void Open_GzipPartialSplit_Throws()
    {
        string path = _dir.Write("f.gz", new byte[10]);

        Assert.Throws<ArgumentException>(() => LineReader.Open(new TextSplit(path, 0, 5, IsWholeFile: false)));
    }

    [Fact]
    public void TryReadLineBytes_RawMode_KeepsCarriageReturns()
    {
        string path = _dir.Write("f.txt", "a\r\nb\rc\r");
        using var reader = LineReader.Open(new TextSplit(path, 0, 8, IsWholeFile: false), stripCarriageReturn: false);
        var lines = new List<string>();
        while (reader.TryReadLineBytes(out var line))
        {
            lines.Add(Encoding.Latin1.GetString(line));
        }

        Assert.Equal(["a\r", "b\rc\r"], lines);
    }

    [Fact]
    public void EnumerateLines_CancelledToken_Throws()
    {
        string path = _dir.Write("f.txt", "a\nb\n");
        using var cts = new CancellationTokenSource();
        using var reader = LineReader.Open(new TextSplit(path, 0, 4, IsWholeFile: false));
        using var lines = reader.EnumerateLines(cts.Token).GetEnumerator();
        Assert.True(lines.MoveNext());

        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => lines.MoveNext());
    }

    [Fact]
    public void ReadLines_SplitStartingExactlyAtLineStart_KeepsThatLine()
    {
        string path = _dir.Write("f.txt", "aa\nbb\ncc\n");

        Assert.Equal(["aa"], Read(new TextSplit(path, 0, 3, IsWholeFile: false)));
        Assert.Equal(["bb"], Read(new TextSplit(path, 3, 3, IsWholeFile: false)));
        Assert.Equal(["cc"], Read(new TextSplit(path, 6, 3, IsWholeFile: false)));
        Assert.Equal(["bb", "cc"], Read(new TextSplit(path, 1, 8, IsWholeFile: false)));
        Assert.Empty(Read(new TextSplit(path, 4, 2, IsWholeFile: false)));
    }

    [Fact]
    public void BytesRead_AfterDispose_KeepsFinalCount()
    {
        string path = _dir.Write("f.txt", "abc\ndef\n");
        var reader = LineReader.Open(new TextSplit(path, 0, 8, IsWholeFile: false));
        Assert.Equal(2, reader.EnumerateLines(CancellationToken.None).Count());

        reader.Dispose();

        Assert.Equal(8, reader.BytesRead);
    }
}

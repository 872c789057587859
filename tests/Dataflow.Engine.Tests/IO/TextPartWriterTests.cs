using System.Globalization;
using System.Text;
using Dataflow.IO;

namespace Dataflow.Tests.IO;

public sealed class TextPartWriterTests
{
    private static (byte[] Bytes, long BytesWritten, long Records) Write<T>(IEnumerable<T> records)
    {
        using var stream = new MemoryStream();
        var (bytes, count) = TextPartWriter.Write(stream, records, CancellationToken.None);
        return (stream.ToArray(), bytes, count);
    }

    [Fact]
    public void Write_Strings_Utf8WithoutBomAndNewlineEndings()
    {
        var (bytes, written, records) = Write(["a", "", "日本é😀"]);

        Assert.Equal(Encoding.UTF8.GetBytes("a\n\n日本é😀\n"), bytes);
        Assert.Equal(bytes.Length, written);
        Assert.Equal(3, records);
    }

    [Fact]
    public void Write_NullRecord_WritesNullLikeSpark()
    {
        var (bytes, _, records) = Write(new string?[] { "x", null });

        Assert.Equal("x\nnull\n", Encoding.UTF8.GetString(bytes));
        Assert.Equal(2, records);
    }

    [Fact]
    public void Write_NumbersAndTuples_UseInvariantCultureAndRestoreCulture()
    {
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            var (bytes, _, _) = Write<object>([1.5, ("w", 2.5), 1e7]);

            Assert.Equal("1.5\n(w, 2.5)\n10000000\n", Encoding.UTF8.GetString(bytes));
            Assert.Equal("de-DE", CultureInfo.CurrentCulture.Name);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Write_LinesLongerThanChunk_AreWrittenWhole()
    {
        string[] lines = [new string('a', 10), new string('é', 100_000), "z", new string('b', 70_000)];

        var (bytes, written, records) = Write(lines);

        Assert.Equal(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"), bytes);
        Assert.Equal(bytes.Length, written);
        Assert.Equal(4, records);
    }

    [Fact]
    public void Write_ManyRecords_RoundTripsThroughLineReader()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("part-00000");
        string[] lines = [.. Enumerable.Range(0, 50_000).Select(i => $"{i}\t日本 {i % 7}")];
        using (var stream = File.Create(path))
        {
            TextPartWriter.Write(stream, lines, CancellationToken.None);
        }

        var split = new TextSplit(path, 0, new FileInfo(path).Length, IsWholeFile: false);

        Assert.Equal(lines, LineReader.ReadLines(split, CancellationToken.None));
    }
}

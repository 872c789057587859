using System.IO.Compression;
using System.Text;
using Dataflow.IO;

namespace Dataflow.Tests.IO;

/// <summary>
/// Differential tests: however a file is cut into splits, the lines of all splits together must equal an
/// independent decoding of the whole file, and each split must read little more than its own range.
/// </summary>
public sealed class LineReaderSplitTests : IDisposable
{
    private static readonly byte[][] s_pieces =
    [
        "a"u8.ToArray(), "bc"u8.ToArray(), "hello"u8.ToArray(), " "u8.ToArray(), "é"u8.ToArray(),
        "日本"u8.ToArray(), "😀"u8.ToArray(), [0xFF], [0xC3], [0xE6, 0x97], "\r"u8.ToArray(),
        "\n"u8.ToArray(), "\n"u8.ToArray(), "\r\n"u8.ToArray(), "\n\n"u8.ToArray(),
    ];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The documented rules, applied to the decoded whole file.</summary>
    private static List<string> ReferenceLines(byte[] bytes)
    {
        var lines = Encoding.UTF8.GetString(bytes).Split('\n').ToList();
        if (lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines.ConvertAll(l => l.EndsWith('\r') ? l[..^1] : l);
    }

    private static byte[] RandomText(Random random)
    {
        var bytes = new List<byte>();
        int pieces = random.Next(0, 30);
        for (int i = 0; i < pieces; i++)
        {
            bytes.AddRange(s_pieces[random.Next(s_pieces.Length)]);
        }

        return [.. bytes];
    }

    private static List<string> ReadAllSplits(string path, long fileLength, long splitSize, int bufferSize)
    {
        var lines = new List<string>();
        for (long start = 0; start < fileLength; start += splitSize)
        {
            var split = new TextSplit(path, start, Math.Min(splitSize, fileLength - start), IsWholeFile: false);
            using var reader = LineReader.Open(split, bufferSize: bufferSize);
            lines.AddRange(reader.EnumerateLines(CancellationToken.None));
        }

        return lines;
    }

    [Fact]
    public void ReadLines_EverySplitSizeOfRandomTexts_MatchesWholeFileDecoding()
    {
        int[] bufferSizes = [1, 2, 3, 5, 16, LineReader.DefaultBufferSize];
        for (int seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            byte[] bytes = RandomText(random);
            string path = _dir.Write($"t{seed}.txt", bytes);
            var expected = ReferenceLines(bytes);
            for (long splitSize = 1; splitSize <= bytes.Length + 1; splitSize++)
            {
                int bufferSize = bufferSizes[random.Next(bufferSizes.Length)];

                var actual = ReadAllSplits(path, bytes.Length, splitSize, bufferSize);

                Assert.True(
                    expected.SequenceEqual(actual),
                    $"seed {seed}, split size {splitSize}, buffer {bufferSize}: expected [{string.Join("|", expected)}] " +
                    $"but read [{string.Join("|", actual)}]");
            }
        }
    }

    [Fact]
    public void ReadLines_RawMode_MatchesByteSplitOnNewline()
    {
        for (int seed = 0; seed < 30; seed++)
        {
            var random = new Random(seed);
            byte[] bytes = RandomText(random);
            string path = _dir.Write($"r{seed}.txt", bytes);
            var expected = Split(bytes);
            for (long splitSize = 1; splitSize <= bytes.Length + 1; splitSize++)
            {
                var actual = new List<string>();
                for (long start = 0; start < bytes.Length; start += splitSize)
                {
                    var split = new TextSplit(path, start, Math.Min(splitSize, bytes.Length - start), IsWholeFile: false);
                    using var reader = LineReader.Open(split, stripCarriageReturn: false, bufferSize: 1 + random.Next(8));
                    while (reader.TryReadLineBytes(out var line))
                    {
                        actual.Add(Convert.ToHexString(line));
                    }
                }

                Assert.True(expected.SequenceEqual(actual), $"seed {seed}, split size {splitSize}");
            }
        }

        static List<string> Split(byte[] bytes)
        {
            var lines = new List<string>();
            int start = 0;
            for (int i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    lines.Add(Convert.ToHexString(bytes, start, i - start));
                    start = i + 1;
                }
            }

            if (start < bytes.Length)
            {
                lines.Add(Convert.ToHexString(bytes, start, bytes.Length - start));
            }

            return lines;
        }
    }

    [Fact]
    public void ReadLines_ComputedSplitsOverSeveralFiles_MatchWholeFiles()
    {
        var random = new Random(7);
        var expected = new List<string>();
        for (int f = 0; f < 5; f++)
        {
            byte[] bytes = [.. Enumerable.Range(0, 20).SelectMany(_ => RandomText(random))];
            _dir.Write($"in/part-{f}", bytes);
            expected.AddRange(ReferenceLines(bytes));
        }

        using (var gz = new GZipStream(File.Create(_dir.Combine("in", "part-9.gz")), CompressionLevel.Fastest))
        {
            gz.Write("zipped\r\nlines"u8);
        }

        expected.AddRange(["zipped", "lines"]);

        foreach (int minPartitions in new[] { 1, 3, 17, 100, 5000 })
        {
            var splits = TextSplitter.Compute(InputPaths.Expand(_dir.Combine("in")), minPartitions);

            var actual = splits.SelectMany(s => LineReader.ReadLines(s, CancellationToken.None)).ToList();

            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void BytesRead_AlignedSplits_ReadOnlyTheirRangePlusOneByte()
    {
        string line = new string('x', 99) + "\n";
        string path = _dir.Write("f.txt", string.Concat(Enumerable.Repeat(line, 1000)));
        var splits = TextSplitter.Compute([new FileInfo(path)], minPartitions: 10);
        Assert.Equal(10, splits.Count);

        foreach (var split in splits)
        {
            using var reader = LineReader.Open(split);
            Assert.Equal(100, reader.EnumerateLines(CancellationToken.None).Count());
            // The byte before Start is read to see whether a line starts exactly at Start.
            Assert.Equal(split.Length + (split.Start > 0 ? 1 : 0), reader.BytesRead);
        }
    }

    [Fact]
    public void BytesRead_HugeLineAfterSplitEnd_IsNotRead()
    {
        const int lineBytes = 100;
        string shortLine = new string('s', lineBytes - 1) + "\n";
        string huge = new string('h', 1 << 20) + "\n";
        string path = _dir.Write("f.txt", string.Concat(Enumerable.Repeat(shortLine, 10)) + huge + shortLine);
        var split = new TextSplit(path, 0, 950, IsWholeFile: false);

        using var reader = LineReader.Open(split, bufferSize: 64 * 1024);
        var lines = reader.EnumerateLines(CancellationToken.None).ToList();

        Assert.Equal(10, lines.Count);
        Assert.True(
            reader.BytesRead <= split.Length + lineBytes + LineReader.TailReadBytes,
            $"read {reader.BytesRead} bytes for a split of {split.Length}");
    }

    [Fact]
    public void BytesRead_LastLineLongerThanBuffer_ReadsAboutThatLine()
    {
        const int bufferSize = 1024;
        string huge = new string('h', 100_000) + "\n";
        string after = string.Concat(Enumerable.Repeat(new string('a', 99) + "\n", 10_000));
        string path = _dir.Write("f.txt", "first\n" + huge + after);
        var split = new TextSplit(path, 0, 100, IsWholeFile: false);

        using var reader = LineReader.Open(split, bufferSize: bufferSize);
        var lines = reader.EnumerateLines(CancellationToken.None).ToList();

        Assert.Equal(["first", huge[..^1]], lines);
        long lastLineEnd = 6 + huge.Length;
        Assert.InRange(reader.BytesRead, lastLineEnd, lastLineEnd + (2 * bufferSize));
    }
}

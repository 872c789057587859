using Dataflow.IO;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>ByteLines and SaveAsByteLinesAsync: raw lines in, the same bytes out.</summary>
public sealed class ByteLinesAndOutputTests(ContextFixture fixture) : IClassFixture<ContextFixture>, IDisposable
{
    private readonly DataflowContext _ctx = fixture.Context;
    private readonly string _temp = Directory.CreateTempSubdirectory("dataflow-bytelines-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    /// <summary>Random bytes made of line material: '\n', '\r', invalid UTF-8, multi-byte UTF-8, NUL, ASCII.</summary>
    private static byte[] RandomContent(Random random, int length)
    {
        byte[][] pieces = [[(byte)'\n'], [(byte)'\n', (byte)'\n'], [(byte)'\r'], [(byte)'\r', (byte)'\n'], [0xFF], [0xC3], [0xC3, 0xA9],
            [0xE6, 0x97, 0xA5], [0x00], [(byte)'a'], [(byte)'b'], [(byte)' '], [(byte)'z', (byte)'y']];
        var bytes = new List<byte>(length);
        while (bytes.Count < length)
        {
            bytes.AddRange(pieces[random.Next(pieces.Length)]);
        }

        return [.. bytes];
    }

    /// <summary>The lines of a file by the documented rule, computed independently: split at '\n', no trailing empty line.</summary>
    private static List<byte[]> ReferenceLines(byte[] content)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < content.Length; i++)
        {
            if (content[i] == (byte)'\n')
            {
                lines.Add(content[start..i]);
                start = i + 1;
            }
        }

        if (start < content.Length)
        {
            lines.Add(content[start..]);
        }

        return lines;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ByteLines_ManySplitsAndFiles_ReadEveryLineOnceInOrderUnchanged(int seed)
    {
        var random = new Random(seed);
        var expected = new List<byte[]>();
        var input = Path.Combine(_temp, $"in{seed}");
        Directory.CreateDirectory(input);
        for (var f = 0; f < 3; f++)
        {
            var content = RandomContent(random, random.Next(0, 5000));
            await File.WriteAllBytesAsync(Path.Combine(input, $"f{f}.txt"), content, Ct);
            expected.AddRange(ReferenceLines(content));
        }

        await File.WriteAllBytesAsync(Path.Combine(input, "_SUCCESS"), [(byte)'x'], Ct);
        var rdd = _ctx.ByteLines(input, minPartitions: random.Next(1, 40));
        var actual = await rdd.ToListAsync(Ct);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [Fact]
    public async Task ByteLines_LineLongerThanReadBuffer_ComesWholeAcrossSplits()
    {
        var random = new Random(5);
        var longLine = new byte[(1 << 20) + 17];
        random.NextBytes(longLine);
        longLine.AsSpan().Replace((byte)'\n', (byte)'\r');
        byte[] content = [.. "first\n"u8, .. longLine, (byte)'\n', .. "\r\n"u8, .. "last\r"u8];
        var path = Path.Combine(_temp, "long.bin");
        await File.WriteAllBytesAsync(path, content, Ct);
        var actual = await _ctx.ByteLines(path, minPartitions: 7).ToListAsync(Ct);
        Assert.Equal(["first"u8.ToArray(), longLine, "\r"u8.ToArray(), "last\r"u8.ToArray()], actual);
    }

    [Fact]
    public void ByteLines_InvalidArguments_ThrowWhenBuilt()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ctx.ByteLines(_temp, minPartitions: 0));
        Assert.Throws<ArgumentException>(() => _ctx.ByteLines(" "));
    }

    [Fact]
    public async Task SaveAsByteLines_RoundTrip_WritesTheSameBytesWithSuccessLast()
    {
        var random = new Random(9);
        var content = RandomContent(random, 20_000);
        if (content[^1] != (byte)'\n')
        {
            content = [.. content, (byte)'\n'];
        }

        var input = Path.Combine(_temp, "round.bin");
        await File.WriteAllBytesAsync(input, content, Ct);
        var output = Path.Combine(_temp, "round-out");
        var lines = _ctx.ByteLines(input, minPartitions: 5);
        await lines.SaveAsByteLinesAsync(output, cancellationToken: Ct);

        var parts = Directory.GetFiles(output, "part-*").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(lines.NumPartitions, parts.Length);
        Assert.True(File.Exists(Path.Combine(output, OutputCommitter.SuccessFileName)));
        var written = new List<byte>();
        foreach (var part in parts)
        {
            written.AddRange(await File.ReadAllBytesAsync(part, Ct));
        }

        Assert.Equal(content, written.ToArray());
    }

    [Fact]
    public async Task SaveAsByteLines_NullRecordOrExistingOutput_FailsAndLeavesNoSuccess()
    {
        var output = Path.Combine(_temp, "null-out");
        var withNull = _ctx.Parallelize(new[] { "a"u8.ToArray(), null!, "b"u8.ToArray() }, 2);
        await Assert.ThrowsAsync<JobFailedException>(() => withNull.SaveAsByteLinesAsync(output, cancellationToken: Ct));
        Assert.False(Directory.Exists(output));

        var existing = Path.Combine(_temp, "existing");
        Directory.CreateDirectory(existing);
        await File.WriteAllTextAsync(Path.Combine(existing, "keep"), "x", Ct);
        await Assert.ThrowsAsync<OutputExistsException>(() => _ctx.Parallelize(new[] { "a"u8.ToArray() }, 1).SaveAsByteLinesAsync(existing, cancellationToken: Ct));
        await _ctx.Parallelize(new[] { "a"u8.ToArray(), Array.Empty<byte>() }, 1).SaveAsByteLinesAsync(existing, overwrite: true, cancellationToken: Ct);
        Assert.Equal("a\n\n"u8.ToArray(), await File.ReadAllBytesAsync(Path.Combine(existing, "part-00000"), Ct));
        Assert.False(File.Exists(Path.Combine(existing, "keep")));
    }

    [Fact]
    public async Task ByteLines_OrderByByteArrayComparer_MatchesOrdinalByteSort()
    {
        var random = new Random(21);
        var content = RandomContent(random, 30_000);
        var path = Path.Combine(_temp, "sort.bin");
        await File.WriteAllBytesAsync(path, content, Ct);
        var expected = ReferenceLines(content);
        expected.Sort(ByteArrayComparer.Instance);
        var sorted = await _ctx.ByteLines(path, minPartitions: 4).OrderBy(l => l, ByteArrayComparer.Instance, numPartitions: 5).ToListAsync(Ct);
        Assert.Equal(expected, sorted);
    }
}

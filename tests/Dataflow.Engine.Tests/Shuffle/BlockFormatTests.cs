using Dataflow.Serialization.Records;

namespace Dataflow.Tests.Shuffle;

/// <summary>The frame format of shuffle blocks and spill files: round trips, compression, and corruption detection.</summary>
public sealed class BlockFormatTests
{
    private static (string Key, int Value)[] Records(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => ("key-" + random.Next(50), random.Next()))];
    }

    private static byte[] Write<T>(IEnumerable<T> records, bool compress)
    {
        using var stream = new MemoryStream();
        var writer = new RecordBatchWriter<T>(stream, compress);
        foreach (var record in records)
        {
            writer.Write(record);
        }

        writer.Flush();
        Assert.Equal(stream.Length, writer.BytesWritten);
        return stream.ToArray();
    }

    private static List<T> Read<T>(byte[] block) =>
        [.. RecordBatchReader.Read<T>(new MemoryStream(block), block.Length, "test-block")];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RoundTrip_ManyFrames_ReturnsTheRecordsInOrder(bool compress)
    {
        var records = Records(30_000, 1);
        var block = Write(records, compress);
        Assert.Equal(records, Read<(string, int)>(block));
    }

    [Fact]
    public void Compress_RepetitiveRecords_StoresFewerBytesThanUncompressed()
    {
        var records = Enumerable.Range(0, 20_000).Select(i => ("the same text, again and again", i % 10)).ToArray();
        var compressed = Write(records, compress: true);
        var plain = Write(records, compress: false);
        Assert.True(compressed.Length * 3 < plain.Length, $"compressed {compressed.Length} vs plain {plain.Length}");
        Assert.Equal(records, Read<(string, int)>(compressed));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Read_AnySingleByteFlipped_ThrowsInvalidDataNeverWrongRecords(bool compress)
    {
        var block = Write(Records(300, 2), compress);
        for (var i = 0; i < block.Length; i++)
        {
            var corrupt = (byte[])block.Clone();
            corrupt[i] ^= 0x20;
            var e = Assert.Throws<InvalidDataException>(() => Read<(string, int)>(corrupt));
            Assert.Contains("test-block", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_TruncatedBlock_ThrowsInvalidData()
    {
        var block = Write(Records(5000, 3), compress: true);
        foreach (var length in new[] { 1, 10, 23, 24, 25, block.Length / 2, block.Length - 1 })
        {
            var truncated = block[..length];
            // Both a reader told the true length (the file is short) and one told the short length must notice.
            Assert.Throws<InvalidDataException>(() => RecordBatchReader.Read<(string, int)>(new MemoryStream(truncated), block.Length, "b").ToList());
            if (length < block.Length)
            {
                Assert.Throws<InvalidDataException>(() => Read<(string, int)>(truncated));
            }
        }
    }

    [Fact]
    public void Read_EmptyBlock_ReturnsNothing()
    {
        Assert.Empty(Read<int>([]));
    }
}

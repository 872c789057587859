using Dataflow.Serialization.Records;

namespace Dataflow.Tests.Serialization.Records;

public sealed class RecordBatchWriterTests
{
    [Fact]
    public void Write_IncompressibleRecords_StopsCompressingAndStillRoundTrips()
    {
        var random = new Random(3);
        var records = Enumerable.Range(0, 5_000).Select(_ =>
        {
            var bytes = new byte[100];
            random.NextBytes(bytes);
            return bytes;
        }).ToList();
        using var stream = new MemoryStream();
        var writer = new RecordBatchWriter<byte[]>(stream, compress: true);
        records.ForEach(writer.Write);
        writer.Flush();
        Assert.False(writer.Compressing);
        stream.Position = 0;
        var read = RecordBatchReader.Read<byte[]>(stream, stream.Length, "test").ToList();
        Assert.Equal(records.Count, read.Count);
        Assert.All(records.Zip(read), pair => Assert.Equal(pair.First, pair.Second));
    }

    [Fact]
    public void Write_CompressibleRecords_KeepsCompressing()
    {
        using var stream = new MemoryStream();
        var writer = new RecordBatchWriter<string>(stream, compress: true);
        for (var i = 0; i < 20_000; i++)
        {
            writer.Write("the same words again and again " + (i % 10));
        }

        writer.Flush();
        Assert.True(writer.Compressing);
        Assert.True(writer.BytesWritten < 20_000 * 33 / 4, $"wrote {writer.BytesWritten} bytes");
    }
}

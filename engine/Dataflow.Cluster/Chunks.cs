using Dataflow.Cluster.Grains;

namespace Dataflow.Cluster;

/// <summary>Bulk bytes (results, cached blocks, broadcast values) cut into messages of at most <see cref="ClusterLimits.ChunkBytes"/>.</summary>
internal static class Chunks
{
    /// <summary>The chunk of <paramref name="whole"/> a reader asked for: at most <paramref name="count"/> bytes from <paramref name="offset"/>.</summary>
    public static DataChunk Slice(byte[] whole, long offset, int count)
    {
        var n = (int)Math.Clamp(whole.LongLength - offset, 0, Math.Min(count, ClusterLimits.ChunkBytes));
        return new DataChunk(whole.AsSpan((int)offset, n).ToArray(), whole.LongLength);
    }

    /// <summary>Reads chunks until the whole, whose length each chunk reports, has arrived.</summary>
    /// <exception cref="IOException">The sender stopped short.</exception>
    public static async Task<byte[]> ReadAllAsync(Func<long, int, Task<DataChunk>> read)
    {
        using var bytes = new MemoryStream();
        long total;
        do
        {
            var chunk = await read(bytes.Length, ClusterLimits.ChunkBytes).ConfigureAwait(false);
            total = chunk.TotalLength;
            bytes.Write(chunk.Bytes);
            if (chunk.Bytes.Length == 0 && bytes.Length < total)
            {
                throw new IOException($"The sender stopped at {bytes.Length} of {total} bytes.");
            }
        }
        while (bytes.Length < total);

        return bytes.ToArray();
    }
}

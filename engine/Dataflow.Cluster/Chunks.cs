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
        await using var bytes = (MemoryStream)await ReadAllAsync(read, total => new MemoryStream(checked((int)total))).ConfigureAwait(false);
        return bytes.Length == bytes.Capacity ? bytes.GetBuffer() : bytes.ToArray();
    }

    /// <summary>
    /// Reads chunks until the whole has arrived, into the stream <paramref name="open"/> gives for the whole's length
    /// (which the first chunk tells); returns that stream at position 0.
    /// </summary>
    /// <exception cref="IOException">The sender stopped short.</exception>
    public static async Task<Stream> ReadAllAsync(Func<long, int, Task<DataChunk>> read, Func<long, Stream> open)
    {
        Stream? output = null;
        try
        {
            long written = 0;
            long total = -1;
            do
            {
                var chunk = await read(written, ClusterLimits.ChunkBytes).ConfigureAwait(false);
                if (total >= 0 && chunk.TotalLength != total)
                {
                    // The whole changed or went away on the sender (a block evicted or unpersisted mid-read).
                    throw new IOException($"The sender's data changed from {total} to {chunk.TotalLength} bytes after {written} bytes were read.");
                }

                total = chunk.TotalLength;
                output ??= open(total);
                await output.WriteAsync(chunk.Bytes).ConfigureAwait(false);
                written += chunk.Bytes.Length;
                if ((chunk.Bytes.Length == 0 && written < total) || written > total)
                {
                    throw new IOException($"The sender stopped at {written} of {total} bytes.");
                }
            }
            while (written < total);

            output.Position = 0;
            return output;
        }
        catch
        {
            if (output is not null)
            {
                await output.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }
}

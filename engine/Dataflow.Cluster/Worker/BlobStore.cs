using System.Collections.Concurrent;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// Bytes a driver uploads in chunks (job assemblies by content hash, stage payloads by id), assembled in memory; a blob
/// is readable once every byte arrived. Chunks may come in any order, and twice (a retried upload).
/// </summary>
internal sealed class BlobStore
{
    private readonly ConcurrentDictionary<string, Blob> _blobs = new(StringComparer.Ordinal);

    public bool Has(string key) => _blobs.TryGetValue(key, out var blob) && blob.IsComplete;

    /// <summary>Stores a chunk; true when this chunk completed the blob.</summary>
    public bool Put(string key, long offset, long totalLength, byte[] chunk)
    {
        if (totalLength < 0 || totalLength > Array.MaxLength || offset < 0 || offset + chunk.Length > totalLength)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Chunk [{offset}, {offset + chunk.Length}) does not fit blob {key} of {totalLength} bytes.");
        }

        var blob = _blobs.GetOrAdd(key, static (_, length) => new Blob(length), totalLength);
        if (blob.Length != totalLength)
        {
            throw new InvalidOperationException($"Blob {key} was announced with {blob.Length} bytes, now with {totalLength}.");
        }

        return blob.Write(offset, chunk);
    }

    /// <summary>The blob's bytes; it must be complete.</summary>
    public byte[] Get(string key) => _blobs.TryGetValue(key, out var blob) && blob.IsComplete
        ? blob.Bytes
        : throw new InvalidOperationException($"This worker has not received {key}; the driver uploads it before sending tasks that need it.");

    /// <summary>Drops one blob.</summary>
    public void Remove(string key) => _blobs.TryRemove(key, out _);

    /// <summary>How many blobs have keys starting with <paramref name="prefix"/>.</summary>
    public int Count(string prefix) => _blobs.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Drops every blob whose key starts with <paramref name="prefix"/>.</summary>
    public void RemoveWhere(string prefix)
    {
        foreach (var key in _blobs.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
        {
            _blobs.TryRemove(key, out _);
        }
    }

    private sealed class Blob(long length)
    {
        private readonly Lock _lock = new();
        private readonly HashSet<long> _offsets = [];
        private long _received;

        public long Length { get; } = length;

        public byte[] Bytes { get; } = new byte[length];

        public bool IsComplete
        {
            get
            {
                lock (_lock)
                {
                    return _received == Length;
                }
            }
        }

        public bool Write(long offset, byte[] chunk)
        {
            lock (_lock)
            {
                if (!_offsets.Add(offset))
                {
                    return false;
                }

                chunk.CopyTo(Bytes, offset);
                _received += chunk.Length;
                return _received == Length;
            }
        }
    }
}

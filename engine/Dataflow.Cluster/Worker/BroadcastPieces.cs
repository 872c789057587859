using System.Globalization;
using System.IO.Hashing;
using Dataflow.Cluster.Grains;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// An application's broadcast pieces on one worker. A value is fetched piece by piece in random order, each from a
/// random executor that holds it (else the driver), checked against the driver's checksum, kept on disk and reported
/// to the driver, after which this worker serves it to others. A piece that cannot be read from a holder, or fails its
/// checksum, is read from the driver instead.
/// </summary>
/// <remarks>Spark: TorrentBroadcast.readBlocks.</remarks>
internal sealed class BroadcastPieces(string directory, string executorId, AppTicket app, IDriverEndpoint driver, IGrainFactory grains)
{
    private static readonly TimeSpan s_peerTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Fetches a broadcast's serialised value, leaving its pieces here for other workers; a small value comes whole with its manifest.</summary>
    public async Task<byte[]> FetchAsync(long id)
    {
        var manifest = await driver.GetBroadcast(id).ConfigureAwait(false);
        if (manifest.Inline is { } inline)
        {
            // A small value came whole with its manifest; it is not kept as a piece (peers read small values from the driver too).
            return manifest.Checksums.Length == 1 && inline.LongLength == manifest.TotalLength && XxHash64.HashToUInt64(inline) == manifest.Checksums[0]
                ? inline
                : throw new IOException($"Broadcast {id} sent with its manifest does not match its checksum.");
        }

        var whole = new byte[manifest.TotalLength];
        var order = Enumerable.Range(0, manifest.Checksums.Length).ToArray();
        Random.Shared.Shuffle(order);
        var failedPeers = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < order.Length; i++)
        {
            var piece = order[i];
            var holders = i == 0 ? manifest.Holders[piece] : await driver.BroadcastPieceHolders(id, piece).ConfigureAwait(false);
            var bytes = await ReadFromPeersAsync(id, piece, holders, manifest.Checksums[piece], failedPeers).ConfigureAwait(false);
            if (bytes is null)
            {
                bytes = await driver.ReadBroadcastPiece(id, piece).ConfigureAwait(false);
                if (XxHash64.HashToUInt64(bytes) != manifest.Checksums[piece])
                {
                    throw new IOException($"Piece {piece} of broadcast {id} read from the driver does not match its checksum.");
                }
            }

            bytes.CopyTo(whole, (long)piece * manifest.PieceBytes);
            if (TryStore(id, piece, bytes))
            {
                await driver.AddBroadcastPieceHolder(id, piece, executorId).ConfigureAwait(false);
            }
        }

        return whole;
    }

    /// <summary>A piece this worker holds, or an empty array.</summary>
    public byte[] Read(long id, int piece)
    {
        try
        {
            return File.ReadAllBytes(PiecePath(id, piece));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <summary>Drops a broadcast's pieces (unpersisted or destroyed on the driver).</summary>
    public void Remove(long id)
    {
        var path = BroadcastDirectory(id);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>The piece from a random holder that answers with the right bytes; a holder that fails is not asked again during this fetch.</summary>
    private async Task<byte[]?> ReadFromPeersAsync(long id, int piece, string[] holders, ulong checksum, HashSet<string> failedPeers)
    {
        var peers = holders.Where(h => h != executorId && !failedPeers.Contains(h)).ToArray();
        Random.Shared.Shuffle(peers);
        foreach (var peer in peers)
        {
            try
            {
                var bytes = await grains.GetGrain<IBlockServiceGrain>(peer).ReadBroadcastPiece(app, id, piece).WaitAsync(s_peerTimeout).ConfigureAwait(false);
                if (bytes.Length == 0)
                {
                    // Dropped there (unpersisted): that holder has none of this broadcast's pieces any more.
                    failedPeers.Add(peer);
                }
                else if (XxHash64.HashToUInt64(bytes) == checksum)
                {
                    return bytes;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Gone, unreachable or too slow: try another holder, then the driver.
                failedPeers.Add(peer);
            }
        }

        return null;
    }

    /// <summary>Keeps a piece to serve; a piece that cannot be written (disk full) is simply not offered to others.</summary>
    private bool TryStore(long id, int piece, byte[] bytes)
    {
        var path = PiecePath(id, piece);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(BroadcastDirectory(id));
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        catch (IOException)
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }

            return false;
        }
    }

    // Ids are numbers from the wire, formatted here: no path is taken from a message.
    private string BroadcastDirectory(long id) => Path.Combine(directory, id.ToString(CultureInfo.InvariantCulture));

    private string PiecePath(long id, int piece) => Path.Combine(BroadcastDirectory(id), piece.ToString(CultureInfo.InvariantCulture));
}

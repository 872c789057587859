namespace Dataflow.MLlib.Kernels;

/// <summary>Host↔device traffic: blocks uploaded (resident or streamed), bytes up (blocks, models, row weights), bytes down (results).</summary>
/// <param name="BlockUploads">Training blocks copied to the device.</param>
/// <param name="BytesUploaded">Bytes copied to the device.</param>
/// <param name="BytesDownloaded">Bytes copied back.</param>
public readonly record struct TransferCounts(long BlockUploads, long BytesUploaded, long BytesDownloaded)
{
    /// <summary>The traffic between two readings.</summary>
    public static TransferCounts operator -(TransferCounts later, TransferCounts earlier) =>
        new(later.BlockUploads - earlier.BlockUploads, later.BytesUploaded - earlier.BytesUploaded, later.BytesDownloaded - earlier.BytesDownloaded);

    /// <summary>The sum of two counts.</summary>
    public static TransferCounts operator +(TransferCounts a, TransferCounts b) =>
        new(a.BlockUploads + b.BlockUploads, a.BytesUploaded + b.BytesUploaded, a.BytesDownloaded + b.BytesDownloaded);

    /// <summary>The difference (for languages without operators).</summary>
    public static TransferCounts Subtract(TransferCounts later, TransferCounts earlier) => later - earlier;

    /// <summary>The sum (for languages without operators).</summary>
    public static TransferCounts Add(TransferCounts a, TransferCounts b) => a + b;
}

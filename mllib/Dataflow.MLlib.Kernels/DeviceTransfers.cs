namespace Dataflow.MLlib.Kernels;

/// <summary>
/// Host↔device traffic of the ILGPU kernels, counted per thread: a task reads <see cref="OnThisThread"/> before and
/// after its kernel calls and reports the difference, which is exact however many tasks share the accelerator (each
/// call runs on the caller's thread). The managed kernels move nothing and count nothing.
/// </summary>
/// <example><code>
/// var before = DeviceTransfers.OnThisThread;
/// kernels.BinaryLogistic(block, w, b, gradient);
/// var moved = DeviceTransfers.OnThisThread - before;   // moved.BlockUploads is 0 once the block is resident
/// </code></example>
public static class DeviceTransfers
{
    [ThreadStatic]
    private static long t_blockUploads;

    [ThreadStatic]
    private static long t_bytesUploaded;

    [ThreadStatic]
    private static long t_bytesDownloaded;

    /// <summary>What this thread's kernel calls moved so far.</summary>
    public static TransferCounts OnThisThread => new(t_blockUploads, t_bytesUploaded, t_bytesDownloaded);

    internal static void Add(long blockUploads, long bytesUploaded, long bytesDownloaded)
    {
        t_blockUploads += blockUploads;
        t_bytesUploaded += bytesUploaded;
        t_bytesDownloaded += bytesDownloaded;
    }
}

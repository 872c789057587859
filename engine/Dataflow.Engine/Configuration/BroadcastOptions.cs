namespace Dataflow.Configuration;

/// <summary>How broadcast values travel to the executors of a cluster; bound from <c>Dataflow:Broadcast</c>.</summary>
/// <remarks>
/// On a cluster a broadcast's serialised value is cut into pieces; an executor fetches them in random order, each
/// from an executor that already holds it where one does, else from the driver, and then serves them itself, so the
/// driver sends about one copy however many executors read the value. Local mode shares the object and ignores these.
/// </remarks>
[OptionsSection(typeof(BroadcastOptionsValidator))]
public sealed class BroadcastOptions
{
    /// <summary>Size of each piece of a broadcast value. Default 4m; between 1k and 4m (the cluster's chunk limit).</summary>
    /// <remarks>Spark: spark.broadcast.blockSize</remarks>
    [OptionDescription("Size of each piece a broadcast value is sent in on a cluster.")]
    public ByteSize BlockSize { get; set; } = ByteSize.FromMiB(4);

    /// <summary>
    /// Whether executors fetch pieces from other executors that hold them. Default true; false makes every executor
    /// read every piece from the driver.
    /// </summary>
    [OptionDescription("Executors fetch broadcast pieces from other executors holding them; false: only from the driver.")]
    public bool FetchFromPeers { get; set; } = true;
}

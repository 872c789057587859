namespace Dataflow.Configuration;

/// <summary>Where and how shuffle data is written; bound from <c>Dataflow:Shuffle</c>.</summary>
[OptionsSection(typeof(ShuffleOptionsValidator))]
public sealed class ShuffleOptions
{
    /// <summary>Directory for shuffle files. Default <c>Path.Combine(Path.GetTempPath(), "dataflow")</c>.</summary>
    /// <remarks>Spark: spark.local.dir</remarks>
    [OptionDescription("Directory for shuffle files.", DefaultText = "<temp>/dataflow")]
    public string LocalDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "dataflow");

    /// <summary>Directory for spill files. Default null, meaning <see cref="LocalDirectory"/>.</summary>
    [OptionDescription("Directory for spill files; unset means LocalDirectory.", DefaultText = "(LocalDirectory)")]
    public string? SpillDirectory { get; set; }

    /// <summary>Buffer size of each shuffle file writer and reader. Default 64k; at most 1g.</summary>
    /// <remarks>Spark: spark.shuffle.file.buffer</remarks>
    [OptionDescription("Buffer size of each shuffle file writer and reader.")]
    public ByteSize FileBufferSize { get; set; } = ByteSize.FromKiB(64);

    /// <summary>Whether shuffle and spill files are compressed. Default true.</summary>
    /// <remarks>Spark: spark.shuffle.compress</remarks>
    [OptionDescription("Compress shuffle and spill files.")]
    public bool Compress { get; set; } = true;

    /// <summary>
    /// A shuffle that neither combines on the map side nor sorts, into at most this many partitions, writes each record
    /// straight to a file of its partition (then concatenated) instead of sorting, spilling and merging. Default 200;
    /// 0 turns it off.
    /// </summary>
    /// <remarks>Spark: spark.shuffle.sort.bypassMergeThreshold</remarks>
    [OptionDescription("Shuffles without combine or order into at most this many partitions skip sorting and spilling; 0: never.")]
    public int BypassMergeThreshold { get; set; } = 200;

    /// <summary>
    /// A map output of at most this many bytes (as written: compressed, framed) is kept in its executor's memory instead
    /// of a data and an index file, so tiny shuffles (a tree aggregation's partial results) cost no file-system work.
    /// Default 1m; 0 turns it off.
    /// </summary>
    [OptionDescription("Map outputs up to this size stay in the executor's memory instead of files; 0: always files.")]
    public ByteSize InMemoryOutputThreshold { get; set; } = ByteSize.FromMiB(1);

    /// <summary>
    /// The most bytes of map outputs an executor keeps in memory at once (<see cref="InMemoryOutputThreshold"/>);
    /// outputs committed past it go to files. Held outside <c>Dataflow:Executor:Memory</c> until their shuffle is
    /// released. Default 64m.
    /// </summary>
    [OptionDescription("The most bytes of map outputs an executor keeps in memory; past it, outputs go to files.")]
    public ByteSize InMemoryOutputLimit { get; set; } = ByteSize.FromMiB(64);

    /// <summary>
    /// A reduce partition at least 5 times the median partition and at least this big is reported as skewed (a
    /// warning naming the stage, partition and call site). Default 64m.
    /// </summary>
    [OptionDescription("Report reduce partitions of at least this size and 5x the median as skewed.")]
    public ByteSize SkewWarningThreshold { get; set; } = ByteSize.FromMiB(64);
}

namespace Dataflow.Configuration;

/// <summary>Resources of each executor; bound from <c>Dataflow:Executor</c>.</summary>
[OptionsSection(typeof(ExecutorOptionsValidator))]
public sealed class ExecutorOptions
{
    // TotalAvailableMemoryBytes honours container (cgroup) limits and GCHeapHardLimit; rounded down to whole MiB
    // so the default prints compactly.
    private static readonly ByteSize s_defaultMemory =
        ByteSize.FromMiB(Math.Max(1, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 / (1024 * 1024)));

    /// <summary>
    /// Memory an executor may use for its records, shuffle buffers and cache. Default: ¼ of the memory available to
    /// the process (the machine's, or the container's limit), rounded down to whole MiB.
    /// </summary>
    /// <remarks>Spark: spark.executor.memory</remarks>
    [OptionDescription("Memory per executor for records, shuffle buffers and cache.",
        DefaultText = "¼ of available memory")]
    public ByteSize Memory { get; set; } = s_defaultMemory;

    /// <summary>Task slots per executor. Default 0, meaning as many as the master gives (<c>local[N]</c>, the worker's cores).</summary>
    /// <remarks>Spark: spark.executor.cores</remarks>
    [OptionDescription("Task slots per executor; 0 means from the master.")]
    public int Cores { get; set; }

    /// <summary>
    /// On a cluster, a cached block read from another executor is held in memory up to this size; a larger one is
    /// spooled to a local file and streamed from there. Default 64m; at most 1g.
    /// </summary>
    /// <remarks>Spark: spark.network.maxRemoteBlockSizeFetchToMem</remarks>
    [OptionDescription("Remote cached blocks larger than this are spooled to a local file, not held in memory.")]
    public ByteSize FetchToMemoryLimit { get; set; } = ByteSize.FromMiB(64);
}

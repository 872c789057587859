namespace Dataflow.Configuration;

/// <summary>Where reliable checkpoints are written; bound from <c>Dataflow:Checkpoint</c>.</summary>
/// <remarks>
/// <see cref="Rdd.Checkpoint{T}"/> writes an RDD's partitions under <c>&lt;Directory&gt;/&lt;context&gt;/rdd-&lt;id&gt;</c>. In
/// cluster mode the directory must be storage every worker and the driver see (a shared filesystem). Spark:
/// <c>SparkContext.setCheckpointDir</c> and <c>spark.cleaner.referenceTracking.cleanCheckpoints</c>.
/// </remarks>
[OptionsSection(typeof(CheckpointOptionsValidator))]
public sealed class CheckpointOptions
{
    /// <summary>
    /// Directory reliable checkpoints are written to (created when missing); <see cref="DataflowContext.SetCheckpointDirectory"/>
    /// sets it from code. Default null: <see cref="Rdd.Checkpoint{T}"/> is an error until one is set.
    /// </summary>
    [OptionDescription("Directory reliable checkpoints are written to (shared storage on a cluster); unset: Checkpoint() fails.", DefaultText = "(none)")]
    public string? Directory { get; set; }

    /// <summary>
    /// Keep checkpoint files when the context ends (and when their RDD becomes unreachable). Default false: they are
    /// deleted with the context.
    /// </summary>
    [OptionDescription("Keep checkpoint files after the context ends instead of deleting them.")]
    public bool Keep { get; set; }
}

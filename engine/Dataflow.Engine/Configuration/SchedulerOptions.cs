namespace Dataflow.Configuration;

/// <summary>How the scheduler retries, places, excludes and speculates tasks; bound from <c>Dataflow:Scheduler</c>.</summary>
[OptionsSection(typeof(SchedulerOptionsValidator))]
public sealed class SchedulerOptions
{
    /// <summary>
    /// Failed attempts of one task before its job fails (for a barrier stage: failed attempts of the whole stage).
    /// Attempts lost with their executor do not count. Default 4; must be ≥ 1.
    /// </summary>
    /// <remarks>Spark: spark.task.maxFailures</remarks>
    [OptionDescription("Failed attempts of one task before its job fails.")]
    public int MaxTaskFailures { get; set; } = 4;

    /// <summary>
    /// How long a task set waits for a slot at its best locality level (the executor holding a task's data, then its
    /// host) before running tasks at the next level. Default 3 s; written <c>3s</c>, <c>500ms</c>, <c>2m</c> or
    /// <c>00:00:03</c>.
    /// </summary>
    /// <remarks>Spark: spark.locality.wait</remarks>
    [OptionDescription("Wait for a data-local slot before running a task elsewhere.")]
    public TimeSpan LocalityWait { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Whether executors on which tasks keep failing are excluded from running more tasks. Default false.</summary>
    /// <remarks>Spark: spark.excludeOnFailure.enabled</remarks>
    [OptionDescription("Exclude executors on which tasks keep failing.")]
    public bool ExcludeOnFailure { get; set; }

    /// <summary>
    /// With <see cref="ExcludeOnFailure"/>: an executor on which this many different tasks of one stage attempt failed
    /// runs no more tasks of it. Default 2; must be ≥ 1.
    /// </summary>
    /// <remarks>Spark: spark.excludeOnFailure.stage.maxFailedTasksPerExecutor</remarks>
    [OptionDescription("Failed tasks of one stage on an executor that exclude it from that stage.")]
    public int ExcludeStageMaxFailedTasksPerExecutor { get; set; } = 2;

    /// <summary>
    /// With <see cref="ExcludeOnFailure"/>: an executor on which this many tasks failed, counted over stages that
    /// then succeeded, runs no tasks of the application until <see cref="ExcludeTimeout"/> has passed. Default 2;
    /// must be ≥ 1.
    /// </summary>
    /// <remarks>Spark: spark.excludeOnFailure.application.maxFailedTasksPerExecutor</remarks>
    [OptionDescription("Failed tasks across successful stages that exclude an executor from the application.")]
    public int ExcludeApplicationMaxFailedTasksPerExecutor { get; set; } = 2;

    /// <summary>How long an application-level exclusion (and each failure counted towards one) lasts. Default 1 h; must be &gt; 0.</summary>
    /// <remarks>Spark: spark.excludeOnFailure.timeout</remarks>
    [OptionDescription("How long an executor stays excluded from the application.")]
    public TimeSpan ExcludeTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Whether slow tasks get a speculative copy on another executor; the first attempt to finish wins and the other
    /// is killed. Barrier stages are never speculated. Default false.
    /// </summary>
    /// <remarks>Spark: spark.speculation</remarks>
    [OptionDescription("Run a copy of slow tasks on another executor.")]
    public bool Speculation { get; set; }

    /// <summary>The fraction of a stage's tasks that must have finished before any is speculated. Default 0.75; in (0, 1].</summary>
    /// <remarks>Spark: spark.speculation.quantile</remarks>
    [OptionDescription("Fraction of tasks finished before speculation starts.")]
    public double SpeculationQuantile { get; set; } = 0.75;

    /// <summary>A task running longer than this many times the median of the finished ones is speculated. Default 1.5; ≥ 1.</summary>
    /// <remarks>Spark: spark.speculation.multiplier</remarks>
    [OptionDescription("How many times slower than the median a task is before it is speculated.")]
    public double SpeculationMultiplier { get; set; } = 1.5;

    /// <summary>Tasks that have run for less than this are never speculated. Default 100 ms; must be ≥ 0.</summary>
    /// <remarks>Spark: spark.speculation.minTaskRuntime</remarks>
    [OptionDescription("Minimum running time before a task is speculated.")]
    public TimeSpan SpeculationMinRuntime { get; set; } = TimeSpan.FromMilliseconds(100);
}

namespace Dataflow.Configuration;

/// <summary>How the scheduler retries and places tasks; bound from <c>Dataflow:Scheduler</c>.</summary>
[OptionsSection(typeof(SchedulerOptionsValidator))]
public sealed class SchedulerOptions
{
    /// <summary>
    /// Failed attempts of one task before its job fails. Default 4; must be ≥ 1.
    /// </summary>
    /// <remarks>Spark: spark.task.maxFailures</remarks>
    [OptionDescription("Failed attempts of one task before its job fails.")]
    public int MaxTaskFailures { get; set; } = 4;

    /// <summary>
    /// How long a task waits for a slot on an executor holding its data before running elsewhere. Default 3 s;
    /// written <c>3s</c>, <c>500ms</c>, <c>2m</c> or <c>00:00:03</c>.
    /// </summary>
    /// <remarks>Spark: spark.locality.wait</remarks>
    [OptionDescription("Wait for a data-local slot before running a task elsewhere.")]
    public TimeSpan LocalityWait { get; set; } = TimeSpan.FromSeconds(3);
}

namespace Dataflow.Configuration;

/// <summary>The driver's event log; bound from <c>Dataflow:EventLog</c> (and <c>--event-log DIR</c>).</summary>
/// <remarks>
/// With a directory set, a context writes one JSON-lines file per application, <c>&lt;app-id&gt;.jsonl</c>, named
/// <c>&lt;app-id&gt;.jsonl.inprogress</c> until the context is disposed. The schema is in
/// <c>engine/Dataflow.Engine/Diagnostics/EventLog.md</c>. Spark: spark.eventLog.enabled and spark.eventLog.dir.
/// </remarks>
[OptionsSection(typeof(EventLogOptionsValidator))]
public sealed class EventLogOptions
{
    /// <summary>Directory the event log is written to (created when missing). Default null: no event log.</summary>
    /// <remarks>Spark: spark.eventLog.dir</remarks>
    [OptionDescription("Directory to write each application's event log to (<app-id>.jsonl); unset: none.", DefaultText = "(none)")]
    public string? Directory { get; set; }
}

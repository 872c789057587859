namespace Dataflow.Scheduling;

/// <summary>
/// Receives scheduler events (jobs, stages, tasks with metrics) in the order they happened, on the listener bus's own
/// thread. The UI, the event log and experiments are listeners. An exception thrown by a listener is logged and
/// does not affect jobs.
/// </summary>
/// <remarks>Spark: SparkListener</remarks>
public interface IDataflowListener
{
    /// <summary>Handles one event; switch on its type.</summary>
    void OnEvent(DataflowEvent e);
}

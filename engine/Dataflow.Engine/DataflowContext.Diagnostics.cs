using System.Globalization;
using Dataflow.Diagnostics;
using Dataflow.Scheduling;

namespace Dataflow;

public sealed partial class DataflowContext
{
    private EventLogWriter? _eventLog;
    private DataflowMetrics? _metrics;

    /// <summary>
    /// The application's id, <c>app-&lt;yyyyMMddHHmmss&gt;-&lt;8 hex&gt;</c> (UTC start time and a random part): the
    /// event log's file name and the application's name in the UI.
    /// </summary>
    /// <remarks>Spark: SparkContext.applicationId</remarks>
    public string ApplicationId { get; private set; } = "";

    /// <summary>The event log being written, or <c>null</c> without <c>Dataflow:EventLog:Directory</c>.</summary>
    internal string? EventLogPath => _eventLog?.InProgressPath;

    /// <summary>Creates the context's meter, opens the event log (when configured) and posts the application's start; runs before the backend starts.</summary>
    private void StartDiagnostics()
    {
        var now = Now;
        ApplicationId = string.Create(CultureInfo.InvariantCulture, $"app-{now.UtcDateTime:yyyyMMddHHmmss}-{Guid.NewGuid():N}")[..27];
        // The environment is read when a gauge is observed, by then it exists.
        _metrics = new DataflowMetrics(ApplicationId, () => _environment?.Memory);
        Listeners.Add(_metrics);
        if (Options.EventLog.Directory is { } directory)
        {
            _eventLog = EventLogWriter.Create(directory, ApplicationId);
            Listeners.Add(_eventLog);
        }

        Listeners.Post(new ApplicationStartEvent(now, ApplicationId, Options.AppName, Master.Url, System.Environment.UserName));
    }

    /// <summary>The backend is up: in local mode the driver's own executor is the one executor.</summary>
    private void BackendStarted()
    {
        if (Master.IsLocal)
        {
            Listeners.Post(new ExecutorAddedEvent(Now, _environment.ExecutorId, System.Environment.MachineName, _backend.DefaultParallelism));
        }
    }

    /// <summary>Construction failed: the application never ran, so it leaves no event log.</summary>
    private void AbandonDiagnostics()
    {
        Listeners.Complete();
        _metrics?.Dispose();
        if (_eventLog is { } log)
        {
            Listeners.Remove(log);
            log.Abandon();
        }
    }

    /// <summary>Posts the application's end, delivers every event, then closes the event log under its final name.</summary>
    private async ValueTask StopDiagnosticsAsync()
    {
        Listeners.Post(new ApplicationEndEvent(Now, ApplicationId));
        await Listeners.DisposeAsync().ConfigureAwait(false);
        _metrics?.Dispose();
        _eventLog?.Dispose();
    }
}

using Microsoft.Extensions.Logging;

namespace Dataflow.Worker;

/// <summary>The worker's own log messages (category <c>Dataflow.Worker</c>).</summary>
internal static partial class WorkerLog
{
    [LoggerMessage(1, LogLevel.Information,
        "Worker silo {Silo} (gateway {Gateway}) joined cluster '{ClusterId}' via {Primary}; executor: {Executor}; local directory: {LocalDirectory}")]
    public static partial void Started(ILogger logger, string silo, string gateway, string clusterId, string primary,
        string executor, string localDirectory);

    [LoggerMessage(2, LogLevel.Error, "The worker silo failed to start")]
    public static partial void StartFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "Worker silo {Silo} is shutting down")]
    public static partial void Stopping(ILogger logger, string silo);

    [LoggerMessage(4, LogLevel.Information, "Worker silo {Silo} stopped")]
    public static partial void Stopped(ILogger logger, string silo);

    [LoggerMessage(6, LogLevel.Warning,
        "No cluster key (Dataflow:Cluster:KeyFile or Dataflow:Cluster:Key): this worker admits any driver, so it listens on loopback only ({Address}); give every worker and driver the same key to reach it from other machines")]
    public static partial void NoKey(ILogger logger, string address);

    [LoggerMessage(7, LogLevel.Information, "Cluster key configured: drivers must prove they hold it (HMAC challenge-response) before anything of theirs is accepted")]
    public static partial void KeyRequired(ILogger logger);

    [LoggerMessage(5, LogLevel.Error, "The worker silo did not shut down cleanly")]
    public static partial void StopFailed(ILogger logger, Exception exception);
}

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

    [LoggerMessage(5, LogLevel.Error, "The worker silo did not shut down cleanly")]
    public static partial void StopFailed(ILogger logger, Exception exception);
}

using Microsoft.Extensions.Logging;

namespace Dataflow.Diagnostics;

/// <summary>
/// The engine's driver-side log messages, source-generated so that a disabled level costs nothing. Each is one line
/// naming the ids involved; warnings are what a user running an example sees by default.
/// </summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "Removed {Directory}, left behind by process {Pid}, which is no longer running")]
    public static partial void RemovedStaleContextDirectory(this ILogger logger, string directory, int pid);
}

using Microsoft.Extensions.Logging;

namespace Dataflow.Configuration;

/// <summary>Driver logging of command-line programs; bound from <c>Dataflow:Log</c> (and <c>--log-level LEVEL</c>).</summary>
/// <remarks>
/// Programs run through <see cref="CommandLine.ProgramHost"/> log to standard error, one line per message, at this
/// level and above; a context created with a logger factory of its own logs there instead.
/// </remarks>
[OptionsSection(typeof(LogOptionsValidator))]
public sealed class LogOptions
{
    /// <summary>The least severe level written. Default <c>warning</c>.</summary>
    [OptionDescription("Least severe driver log level written to standard error.")]
    public LogLevel Level { get; set; } = LogLevel.Warning;
}

using Microsoft.Extensions.Logging;

namespace Dataflow.Diagnostics;

/// <summary>
/// The logger factory a program's run uses when a context is created without one: set by
/// <see cref="CommandLine.ProgramHost"/> around the program's code, so that <c>new DataflowContext(options)</c> in an
/// example logs to standard error at <c>Dataflow:Log:Level</c>. Flows with the async context; null elsewhere.
/// </summary>
internal static class AmbientLogging
{
    private static readonly AsyncLocal<ILoggerFactory?> s_current = new();

    /// <summary>The factory of the program running on this async flow, or <c>null</c>.</summary>
    public static ILoggerFactory? Current => s_current.Value;

    /// <summary>Makes <paramref name="factory"/> current until the returned scope is disposed.</summary>
    public static IDisposable Use(ILoggerFactory factory)
    {
        var previous = s_current.Value;
        s_current.Value = factory;
        return new Scope(previous);
    }

    private sealed class Scope(ILoggerFactory? previous) : IDisposable
    {
        public void Dispose() => s_current.Value = previous;
    }
}

using System.Collections.Concurrent;

namespace Dataflow.Tests.Support;

/// <summary>
/// Coordination objects that task code reaches by name. Closures may capture only what could be sent to a worker
/// (the engine checks this when a transformation is built, in local mode too), so a test captures a string key
/// instead of a <see cref="TaskCompletionSource"/> or an event.
/// </summary>
public static class TestSignals
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> s_signals = new();
    private static readonly ConcurrentDictionary<string, ManualResetEventSlim> s_gates = new();

    public static string NewKey() => Guid.NewGuid().ToString("N");

    /// <summary>A one-shot signal, created on first use.</summary>
    public static TaskCompletionSource Signal(string key) =>
        s_signals.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>A gate tasks can wait on until the test opens it, created closed on first use.</summary>
    public static ManualResetEventSlim Gate(string key) => s_gates.GetOrAdd(key, static _ => new ManualResetEventSlim());
}

using System.Collections.Concurrent;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>The client caches of one parameter-server run in one process, one per worker: the value a task finds in
/// <see cref="Execution.ExecutorLocals"/> under <see cref="KeyOf"/>.</summary>
public sealed class PsClientCaches
{
    private readonly ConcurrentDictionary<int, PsClientCache> _byWorker = new();

    /// <summary>The executor-local key of run <paramref name="runId"/>'s caches.</summary>
    public static string KeyOf(string runId) => "Dataflow.MLlib.ParameterServer:cache:" + runId;

    /// <summary>Worker <paramref name="worker"/>'s cache.</summary>
    public PsClientCache For(int worker) => _byWorker.GetOrAdd(worker, static _ => new PsClientCache());
}

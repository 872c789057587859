using System.Reflection;
using System.Runtime.Loader;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// One application's assemblies on a worker, loaded from the bytes the driver sent (never from a path the worker
/// happens to see). Anything else — the engine, Orleans, MessagePack, the runtime — resolves from the worker's own
/// default context, so engine types are shared with the worker. Not collectible: MessagePack's caches would keep it
/// alive anyway.
/// </summary>
internal sealed class JobLoadContext(string appId, IReadOnlyDictionary<string, byte[]> assemblies) : AssemblyLoadContext($"dataflow-app-{appId}")
{
    protected override Assembly? Load(AssemblyName assemblyName) =>
        assemblyName.Name is { } name && assemblies.TryGetValue(name, out var bytes) ? LoadFromStream(new MemoryStream(bytes, writable: false)) : null;
}

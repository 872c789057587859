using System.Reflection;
using System.Security.Cryptography;
using Dataflow.Cluster.Grains;
using Dataflow.Serialization.TypeSafety;

namespace Dataflow.Cluster.Driver;

/// <summary>
/// The assemblies a job ships to workers: every loaded assembly of the application's own (neither the runtime's nor
/// the engine's, Orleans' or MessagePack's, which workers have) and, transitively, the application assemblies they
/// reference, so code first used inside a task is shipped too. Each is named by the SHA-256 of its bytes, uploaded
/// once per worker.
/// </summary>
internal static class JobAssemblies
{
    public static IReadOnlyList<(JobAssembly Assembly, byte[] Bytes)> Collect()
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var queue = new Queue<Assembly>(AppDomain.CurrentDomain.GetAssemblies().Where(IsShippable));
        if (Assembly.GetEntryAssembly() is { } entry && IsShippable(entry))
        {
            queue.Enqueue(entry);
        }

        while (queue.TryDequeue(out var assembly))
        {
            if (!found.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (found.ContainsKey(reference.Name!))
                {
                    continue;
                }

                try
                {
                    var loaded = Assembly.Load(reference);
                    if (IsShippable(loaded))
                    {
                        queue.Enqueue(loaded);
                    }
                }
                catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    // A reference the application never loads (an optional dependency): nothing to ship.
                }
            }
        }

        return [.. found.Values.OrderBy(a => a.GetName().Name, StringComparer.Ordinal).Select(a =>
        {
            var bytes = File.ReadAllBytes(a.Location);
            return (new JobAssembly(a.GetName().Name!, Convert.ToHexStringLower(SHA256.HashData(bytes))), bytes);
        })];
    }

    private static bool IsShippable(Assembly assembly) =>
        !assembly.IsDynamic && assembly.Location.Length > 0 && TypeAllowList.ForDriver.IsJobAssembly(assembly);
}

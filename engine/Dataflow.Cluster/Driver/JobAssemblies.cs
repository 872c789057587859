using System.Reflection;
using System.Security.Cryptography;
using Dataflow.Cluster.Grains;
using Dataflow.Serialization.TypeSafety;

namespace Dataflow.Cluster.Driver;

/// <summary>
/// The assemblies a job ships to workers: every loaded assembly whose <see cref="AssemblyRoles"/> role is the job's
/// (not the runtime's, not one the worker provides — the engine, our libraries such as MLlib, their third-party
/// dependencies, Orleans, MessagePack — and not a driver-only one such as the UI) and, transitively, the job
/// assemblies they reference, so code first used inside a task is shipped too. Each is named by the SHA-256 of its
/// bytes, uploaded once per worker. The worker-provided libraries the job uses are declared instead
/// (<see cref="Provided"/>), so that a worker of another build of one refuses the job.
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

    /// <summary>
    /// The loaded libraries the worker provides, with the build of each (call after <see cref="Collect"/>, which loads
    /// the ones the job's assemblies reference). The engine is left out (its build is compared when a worker joins), and
    /// so is this assembly, whose methods no task binary names and whose messages the protocol version covers.
    /// </summary>
    public static ProvidedAssembly[] Provided() =>
        [.. AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && a != typeof(JobAssemblies).Assembly && AssemblyRoles.Of(a) == AssemblyRole.WorkerLibrary)
            .Select(a => new ProvidedAssembly(a.GetName().Name!, a.GetName().Version?.ToString() ?? "0.0.0.0", a.ManifestModule.ModuleVersionId))
            .DistinctBy(p => p.Name)
            .OrderBy(p => p.Name, StringComparer.Ordinal)];

    private static bool IsShippable(Assembly assembly) =>
        !assembly.IsDynamic && assembly.Location.Length > 0 && TypeAllowList.ForDriver.IsJobAssembly(assembly);
}

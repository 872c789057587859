using System.Collections.Concurrent;
using System.Reflection;

namespace Dataflow.Serialization.TypeSafety;

/// <summary>
/// Which assemblies travel with a job and which the worker provides. Our libraries say so themselves with an
/// assembly metadata entry (so that <c>Dataflow.MLlib.Kernels</c>, which references nothing of ours, can carry it):
/// <c>&lt;AssemblyMetadata Include="Dataflow.Library" Value="worker" /&gt;</c> in the project file, i.e.
/// <c>[assembly: AssemblyMetadata("Dataflow.Library", "worker")]</c>, with the values <c>worker</c> (the worker is built
/// with it: <c>engine/Dataflow.Worker</c> references it), <c>job</c> (it travels with each job) and <c>driver</c> (it never
/// leaves the driver). Third-party assemblies cannot carry it, so the lists below name them.
/// </summary>
/// <remarks>
/// A library the worker provides is resolved on the worker from the worker's own copy, never from the job's. Since task
/// binaries name methods by metadata token, the driver's copy must be the very build the worker has: a driver declares
/// the module id of each such library it uses, and a worker with another build refuses the application with an error
/// naming both versions (<c>Worker/ProvidedAssemblyCheck</c> in <c>Dataflow.Cluster</c>). The engine's own build is
/// compared when a worker joins; the engine's dependencies (<see cref="AssemblyRole.WorkerDependency"/>) are the worker's.
/// </remarks>
internal static class AssemblyRoles
{
    /// <summary>The assembly metadata key our libraries carry.</summary>
    public const string MetadataKey = "Dataflow.Library";

    /// <summary>
    /// Third-party libraries the worker is built with (engine/Dataflow.Worker references them, directly or through
    /// <c>Dataflow.MLlib</c>): a job's types may name them, and they are never shipped.
    /// </summary>
    public static IReadOnlySet<string> ThirdPartyWorkerLibraries { get; } =
        new HashSet<string>(["MathNet.Numerics", "ILGPU", "ILGPU.Algorithms"], StringComparer.Ordinal);

    /// <summary>
    /// Name prefixes of the engine's and Orleans' third-party dependencies, which every worker has (Orleans brings
    /// Microsoft.AspNetCore.Connections.Abstractions as a package, outside the shared framework).
    /// </summary>
    public static IReadOnlyList<string> WorkerDependencyPrefixes { get; } =
        ["MessagePack", "Orleans.", "Microsoft.Orleans", "Microsoft.Extensions.", "K4os.", "Microsoft.AspNetCore.Connections.Abstractions"];

    /// <summary>
    /// Name prefixes of assemblies that never travel to workers: the driver's UI, its console progress and its plotting
    /// (Dataflow.Ui also carries the <c>driver</c> entry; Spectre.Console, ScottPlot and its SkiaSharp cannot).
    /// </summary>
    public static IReadOnlyList<string> DriverOnlyPrefixes { get; } = ["Dataflow.Ui", "Spectre.Console", "ScottPlot", "SkiaSharp"];

    private static readonly string s_engine = typeof(AssemblyRoles).Assembly.GetName().Name!;
    private static readonly ConcurrentDictionary<Assembly, AssemblyRole> s_roles = new();

    /// <summary>The role of a loaded assembly.</summary>
    public static AssemblyRole Of(Assembly assembly) => s_roles.GetOrAdd(assembly, static a =>
        TypeAllowList.IsFrameworkAssembly(a) ? AssemblyRole.Framework : Classify(a.GetName().Name ?? "", Marker(a)));

    /// <summary>Whether the worker has <paramref name="assembly"/> of its own (the engine, a worker library or dependency).</summary>
    public static bool IsProvidedByWorker(Assembly assembly) =>
        Of(assembly) is AssemblyRole.Engine or AssemblyRole.WorkerLibrary or AssemblyRole.WorkerDependency;

    /// <summary>The rule, from an assembly's simple name and its <see cref="MetadataKey"/> entry (<c>null</c> when it has none).</summary>
    public static AssemblyRole Classify(string name, string? marker)
    {
        if (name == s_engine)
        {
            return AssemblyRole.Engine;
        }

        switch (marker)
        {
            case "worker":
                return AssemblyRole.WorkerLibrary;
            case "driver":
                return AssemblyRole.DriverOnly;
            case "job":
                return AssemblyRole.Job;
            case not null:
                throw new InvalidOperationException(
                    $"Assembly {name} carries [assembly: AssemblyMetadata(\"{MetadataKey}\", \"{marker}\")]; the value must be worker, job or driver.");
        }

        if (ThirdPartyWorkerLibraries.Contains(name))
        {
            return AssemblyRole.WorkerLibrary;
        }

        if (DriverOnlyPrefixes.Any(p => HasPrefix(name, p)))
        {
            return AssemblyRole.DriverOnly;
        }

        return WorkerDependencyPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)) ? AssemblyRole.WorkerDependency : AssemblyRole.Job;
    }

    /// <summary><paramref name="name"/> is <paramref name="prefix"/> or one of its sub-assemblies (<c>ScottPlot.WinForms</c>).</summary>
    private static bool HasPrefix(string name, string prefix) =>
        name == prefix || (name.StartsWith(prefix, StringComparison.Ordinal) && name[prefix.Length] == '.');

    private static string? Marker(Assembly assembly)
    {
        try
        {
            return assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == MetadataKey)?.Value;
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or TypeLoadException)
        {
            // Its attributes cannot all be read here: it carries no entry we can see.
            return null;
        }
    }
}

using System.Reflection;
using Dataflow.Serialization;

namespace Dataflow.Cluster;

/// <summary>
/// What driver and workers must agree on: the formats of task binaries and task results and of this project's
/// messages, and the very build of the engine, since task binaries name its methods by metadata token (a Debug
/// driver's tokens are not a Release worker's). A driver takes no tasks to a worker of another build, and says so.
/// </summary>
internal static class WireProtocol
{
    /// <summary>Bumped when a grain message or the stage payload changes.</summary>
    private const int ClusterMessages = 5;

    public const int Version = (ClusterMessages * 10_000) + (TaskBinary.FormatVersion * 100) + TaskResultCodec.FormatVersion;

    /// <summary>This process's build of the engine and cluster assemblies, e.g. <c>Release build 1a2b3c4d.5e6f7a8b, protocol 50102</c>.</summary>
    public static readonly string Build = Describe();

    private static string Describe()
    {
        var engine = typeof(TaskBinary).Assembly;
        var configuration = engine.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown";
        return $"{configuration} build {Id(engine)}.{Id(typeof(WireProtocol).Assembly)}, protocol {Version}";

        // Deterministic builds give the same module id to the same sources and settings, a new one to any change.
        static string Id(Assembly assembly) => assembly.ManifestModule.ModuleVersionId.ToString("N")[..8];
    }
}

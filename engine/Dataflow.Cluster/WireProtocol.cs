using System.Reflection;
using Dataflow.Serialization.Wire;

namespace Dataflow.Cluster;

/// <summary>
/// What driver and workers must agree on: the formats of task binaries and task results and of this project's
/// messages, and the very build of the engine, since task binaries name its methods by metadata token (a Debug
/// driver's tokens are not a Release worker's). A driver takes no tasks to a worker of another build, and says so.
/// </summary>
internal static class WireProtocol
{
    /// <summary>Bumped when a grain message or the stage payload changes.</summary>
    private const int ClusterMessages = 8;

    public const int Version = (ClusterMessages * 10_000) + (TaskBinary.FormatVersion * 100) + TaskResultCodec.FormatVersion;

    /// <summary>
    /// This process's build of the engine, whose methods task binaries name, and the protocol, e.g.
    /// <c>Release build 1a2b3c4d, protocol 50102</c>. Deterministic builds give the same module id to the same sources
    /// and settings and a new one to any change. This assembly's own messages are covered by the protocol version; its
    /// module id is not compared, as two Release builds of the same sources (one with <c>-o</c>) were seen to differ.
    /// </summary>
    public static readonly string Build = Describe(typeof(TaskBinary).Assembly);

    private static string Describe(Assembly engine) =>
        $"{engine.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown"} build "
        + $"{engine.ManifestModule.ModuleVersionId.ToString("N")[..8]}, protocol {Version}";
}

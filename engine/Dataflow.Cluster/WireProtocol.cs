using Dataflow.Serialization;

namespace Dataflow.Cluster;

/// <summary>
/// What driver and workers must agree on: the formats of task binaries and task results and of this project's
/// messages. A driver takes no tasks to a worker that speaks another version (a stale build), and says so.
/// </summary>
internal static class WireProtocol
{
    /// <summary>Bumped when a grain message or the stage payload changes.</summary>
    private const int ClusterMessages = 4;

    public const int Version = (ClusterMessages * 10_000) + (TaskBinary.FormatVersion * 100) + TaskResultCodec.FormatVersion;
}

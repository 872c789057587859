namespace Dataflow.Cluster.Grains;

/// <summary>What a worker's executor offers.</summary>
/// <param name="ExecutorId">The worker's executor id (its silo address), which map outputs and cached blocks name.</param>
/// <param name="Host">The worker's host, for locality.</param>
/// <param name="Slots">Task slots; 0 for a silo that runs no executor (a membership-only primary).</param>
[GenerateSerializer, Immutable]
public sealed record ExecutorInfo([property: Id(0)] string ExecutorId, [property: Id(1)] string Host, [property: Id(2)] int Slots);

/// <summary>A driver's application as a worker sets it up: its assemblies and the settings its tasks need.</summary>
/// <param name="AppId">Unique per driver context.</param>
/// <param name="Assemblies">The job's assemblies (name and content hash) to load into the application's load context.</param>
/// <param name="Compress">Whether shuffle blocks and spills are compressed.</param>
/// <param name="FileBufferSize">The shuffle file buffer size.</param>
/// <param name="Driver">The driver's endpoint, from which tasks fetch broadcast values.</param>
/// <param name="FetchToMemoryLimit">Remote cached blocks larger than this are spooled to a file while read.</param>
/// <param name="SerializerRegistrations">
/// The types of the formatters and resolvers registered with <c>DataflowSerializer</c> on the driver, which the worker
/// creates again (public parameterless constructor) and registers for the application's types.
/// </param>
/// <param name="Provided">
/// The libraries the job uses that the worker provides instead of the job (<c>AssemblyRoles</c>), each of the build the
/// driver runs; a worker with another build of one refuses the application.
/// </param>
/// <param name="InMemoryOutputThreshold">Map outputs up to this many bytes stay in the worker's memory (<c>Dataflow:Shuffle:InMemoryOutputThreshold</c>).</param>
/// <param name="InMemoryOutputLimit">The most bytes of map outputs the application keeps in memory on a worker.</param>
[GenerateSerializer, Immutable]
public sealed record ApplicationSpec(
    [property: Id(0)] string AppId,
    [property: Id(1)] JobAssembly[] Assemblies,
    [property: Id(2)] bool Compress,
    [property: Id(3)] int FileBufferSize,
    [property: Id(4)] IDriverEndpoint Driver,
    [property: Id(5)] string[] SerializerRegistrations,
    [property: Id(6)] long FetchToMemoryLimit,
    [property: Id(7)] ProvidedAssembly[] Provided,
    [property: Id(8)] long InMemoryOutputThreshold = 0,
    [property: Id(9)] long InMemoryOutputLimit = 0);

/// <summary>A library the job uses and the worker provides.</summary>
/// <param name="Name">Its simple name.</param>
/// <param name="Version">Its assembly version, for messages.</param>
/// <param name="ModuleId">The module version id of the driver's copy: task binaries name its methods by metadata token, so the worker's must be the same build.</param>
[GenerateSerializer, Immutable]
public sealed record ProvidedAssembly([property: Id(0)] string Name, [property: Id(1)] string Version, [property: Id(2)] Guid ModuleId);

/// <summary>One of a job's assemblies.</summary>
/// <param name="Name">Its simple name.</param>
/// <param name="Hash">The SHA-256 of its bytes (hex), under which its bytes are uploaded once per worker.</param>
[GenerateSerializer, Immutable]
public sealed record JobAssembly([property: Id(0)] string Name, [property: Id(1)] string Hash);

/// <summary>One task attempt: ids plus the stage binary it derives from (uploaded before as blob <c>binary-&lt;id&gt;</c>).</summary>
/// <param name="AppId">The driver's application.</param>
/// <param name="TaskId">The attempt's id, unique within the application.</param>
/// <param name="JobId">The job.</param>
/// <param name="StageId">The stage.</param>
/// <param name="StageAttempt">The stage attempt.</param>
/// <param name="PartitionId">The partition computed.</param>
/// <param name="Attempt">The task attempt, 0-based.</param>
/// <param name="BinaryId">The stage binary the task is taken from.</param>
/// <param name="BarrierTasks">For a task of a barrier stage, the tasks launched with it; 0 otherwise.</param>
/// <param name="BarrierEpoch">For a task of a barrier stage, which launch of its set this is.</param>
/// <param name="Payload">
/// The stage payload itself (blob <c>binary-&lt;id&gt;</c>) when it is small and the driver does not know the executor to
/// hold it yet: the launch then needs no upload before it (<c>ClusterLimits.InlinePayloadBytes</c>).
/// </param>
[GenerateSerializer, Immutable]
public sealed record TaskLaunch(
    [property: Id(0)] string AppId,
    [property: Id(1)] long TaskId,
    [property: Id(2)] int JobId,
    [property: Id(3)] int StageId,
    [property: Id(4)] int StageAttempt,
    [property: Id(5)] int PartitionId,
    [property: Id(6)] int Attempt,
    [property: Id(7)] long BinaryId,
    [property: Id(8)] int BarrierTasks = 0,
    [property: Id(9)] int BarrierEpoch = 0,
    [property: Id(10)] byte[]? Payload = null);

/// <summary>
/// A task's serialised result: inline when small, else (<c>null</c>) left on the worker for the driver to read in chunks from
/// its block service (<see cref="IBlockServiceGrain.ReadResult"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TaskReply([property: Id(0)] byte[]? Inline);

/// <summary>A broadcast value as the driver serves it: cut into pieces, each with a checksum and the executors holding it.</summary>
/// <param name="TotalLength">The serialised value's length in bytes.</param>
/// <param name="PieceBytes">The length of every piece but the last.</param>
/// <param name="Checksums">Each piece's XxHash64, which a fetched piece must match whoever sent it.</param>
/// <param name="Holders">Per piece, the executors that reported holding it (empty when peers are not used).</param>
/// <param name="Inline">The whole serialised value when it is small (<c>ClusterLimits.InlineBroadcastBytes</c>): nothing more to read.</param>
[GenerateSerializer, Immutable]
public sealed record BroadcastManifest(
    [property: Id(0)] long TotalLength,
    [property: Id(1)] int PieceBytes,
    [property: Id(2)] ulong[] Checksums,
    [property: Id(3)] string[][] Holders,
    [property: Id(4)] byte[]? Inline = null);

/// <summary>
/// Which application a request is for, and the caller's proof that it acts for that application: the ticket its
/// driver chose and registered with the workers after proving it holds the cluster key. Workers serve an
/// application's files, blocks and tasks only to requests that carry its ticket, so an application id seen in a log,
/// a directory name or <c>dataflow workers</c> opens nothing.
/// </summary>
/// <param name="AppId">The application.</param>
/// <param name="Token">Random bytes its driver chose, compared in constant time.</param>
[GenerateSerializer, Immutable]
public sealed record AppTicket([property: Id(0)] string AppId, [property: Id(1)] byte[] Token)
{
    /// <summary>The application id only: the token stays out of logs.</summary>
    public override string ToString() => AppId;
}

/// <summary>A worker's challenge to a driver registering an application.</summary>
/// <param name="Nonce">Fresh random bytes the driver's proof must cover.</param>
/// <param name="KeyRequired">Whether the worker has a cluster key (without one it admits any driver, and listens on loopback only).</param>
[GenerateSerializer, Immutable]
public sealed record RegistrationChallenge([property: Id(0)] byte[] Nonce, [property: Id(1)] bool KeyRequired);

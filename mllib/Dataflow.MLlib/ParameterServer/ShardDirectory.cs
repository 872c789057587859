using System.Collections.Concurrent;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// Where a PS worker task finds the shards of its run by run id. In local mode the driver registers its in-process
/// <see cref="ParameterShard"/>s here (driver and executors share the process); in cluster mode the worker process
/// sets <see cref="RemoteResolver"/> (the <c>Dataflow.MLlib.Cluster</c> assembly does, with handles on the run's shard
/// grains), so a task never carries shard objects in its closure, only the run id.
/// </summary>
public static class ShardDirectory
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<IParameterShard>> s_local = new(StringComparer.Ordinal);

    /// <summary>Resolves the shards of a run that is not registered in this process: (run id, key ranges) → shards.</summary>
    public static Func<string, KeyRanges, IReadOnlyList<IParameterShard>>? RemoteResolver { get; set; }

    /// <summary>
    /// Like <see cref="RemoteResolver"/>, with the run's shard settings, so that a restore can re-create a shard that was
    /// lost with its machine (a killed worker's grains): (run id, key ranges, settings) → shards. Preferred over
    /// <see cref="RemoteResolver"/> by <see cref="Resolve(string, KeyRanges, ShardSettings)"/>.
    /// </summary>
    public static Func<string, KeyRanges, ShardSettings, IReadOnlyList<IParameterShard>>? RemoteRecoveringResolver { get; set; }

    /// <summary>Registers in-process shards under <paramref name="runId"/>.</summary>
    public static void Register(string runId, IReadOnlyList<IParameterShard> shards)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(shards);
        if (!s_local.TryAdd(runId, shards))
        {
            throw new InvalidOperationException($"Parameter-server run {runId} is already registered.");
        }
    }

    /// <summary>Removes a run's in-process shards.</summary>
    public static void Remove(string runId) => s_local.TryRemove(runId, out _);

    /// <summary>The shards (one per range of <paramref name="ranges"/>) of run <paramref name="runId"/>.</summary>
    /// <exception cref="InvalidOperationException">The run is unknown here and no remote resolver is set.</exception>
    public static IReadOnlyList<IParameterShard> Resolve(string runId, KeyRanges ranges)
    {
        if (s_local.TryGetValue(runId, out var local))
        {
            return local;
        }

        return RemoteResolver?.Invoke(runId, ranges) ?? throw new InvalidOperationException(
            $"Parameter-server run {runId} has no shards in this process and no remote resolver is set: cluster mode needs worker silos that reference Dataflow.MLlib.Cluster.");
    }

    /// <summary>
    /// The shards of run <paramref name="runId"/>, whose <see cref="IParameterShard.RestoreAsync"/> re-creates a lost
    /// remote shard from <paramref name="settings"/> before restoring it (where the resolver can).
    /// </summary>
    public static IReadOnlyList<IParameterShard> Resolve(string runId, KeyRanges ranges, ShardSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return !s_local.ContainsKey(runId) && RemoteRecoveringResolver is { } recovering ? recovering(runId, ranges, settings) : Resolve(runId, ranges);
    }
}

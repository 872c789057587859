namespace Dataflow.MLlib.Cluster;

/// <summary>
/// One parameter shard as an Orleans grain, keyed <c>{runId}/{shard}</c>: the messages of
/// <see cref="ParameterServer.IParameterShard"/> (wire chunks), plus creation from primitive settings.
/// </summary>
public interface IParameterShardGrain : IGrainWithStringKey
{
    /// <summary>Creates the shard (idempotent for the same settings).</summary>
    Task InitializeAsync(ShardGrainSettings settings);

    /// <summary>See <see cref="ParameterServer.IParameterShard.PullAsync"/>.</summary>
    Task<byte[]> PullAsync(int worker, int clock, byte[] request, CancellationToken cancellationToken);

    /// <summary>See <see cref="ParameterServer.IParameterShard.PushAsync"/>.</summary>
    Task PushAsync(int worker, int clock, byte[] push);

    /// <summary>See <see cref="ParameterServer.IParameterShard.ClockAsync"/>.</summary>
    Task ClockAsync(int worker);

    /// <summary>See <see cref="ParameterServer.IParameterShard.AddTouchesAsync"/>.</summary>
    Task AddTouchesAsync(int worker, byte[] keys);

    /// <summary>See <see cref="ParameterServer.IParameterShard.TouchCountsAsync"/>.</summary>
    Task<byte[]> TouchCountsAsync(byte[] keys);

    /// <summary>See <see cref="ParameterServer.IParameterShard.ReadAsync"/>.</summary>
    Task<double[]> ReadAsync(int offset, int count);

    /// <summary>See <see cref="ParameterServer.IParameterShard.RestoreAsync"/>.</summary>
    Task RestoreAsync(int clock);

    /// <summary>
    /// Restores the shard to <paramref name="clock"/>, first creating it from <paramref name="settings"/> when this
    /// activation has none (the silo that held it died: a retried PS stage recovers its shards this way).
    /// </summary>
    Task RecoverAsync(ShardGrainSettings settings, int clock);

    /// <summary>Drops the shard at the end of the run (the driver removes its grains).</summary>
    Task RemoveAsync();
}

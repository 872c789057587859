using Dataflow.MLlib.ParameterServer;

namespace Dataflow.MLlib.Cluster;

/// <summary>A shard grain seen through <see cref="IParameterShard"/>, for <see cref="PsClient"/>.</summary>
/// <param name="grain">The grain.</param>
/// <param name="firstKey">Its first key.</param>
/// <param name="count">Its key count.</param>
/// <param name="recreate">The shard's settings, to re-create it on restore when its grain lost its state (null: never).</param>
public sealed class GrainShard(IParameterShardGrain grain, int firstKey, int count, ShardGrainSettings? recreate = null) : IParameterShard
{
    /// <inheritdoc />
    public int FirstKey { get; } = firstKey;

    /// <inheritdoc />
    public int Count { get; } = count;

    /// <inheritdoc />
    public Task<byte[]> PullAsync(int worker, int clock, byte[] request, CancellationToken cancellationToken = default) =>
        grain.PullAsync(worker, clock, request, cancellationToken);

    /// <inheritdoc />
    public Task PushAsync(int worker, int clock, byte[] push) => grain.PushAsync(worker, clock, push);

    /// <inheritdoc />
    public Task ClockAsync(int worker) => grain.ClockAsync(worker);

    /// <inheritdoc />
    public Task AddTouchesAsync(int worker, byte[] keys) => grain.AddTouchesAsync(worker, keys);

    /// <inheritdoc />
    public Task<byte[]> TouchCountsAsync(byte[] keys) => grain.TouchCountsAsync(keys);

    /// <inheritdoc />
    public Task<double[]> ReadAsync(int offset, int count) => grain.ReadAsync(offset, count);

    /// <inheritdoc />
    public Task RestoreAsync(int clock) => recreate is null ? grain.RestoreAsync(clock) : grain.RecoverAsync(recreate, clock);
}

using Dataflow.MLlib.ParameterServer;
using Orleans.Concurrency;
using Orleans.Placement;

namespace Dataflow.MLlib.Cluster;

/// <summary>
/// The grain around one <see cref="ParameterShard"/>: a thin adapter. Reentrant, because a pull the staleness bound
/// does not allow yet is parked in the shard and served by a later <c>Clock</c> call, which must get in; the shard is
/// thread-safe. Placed by activation count, so a run's shards spread over the worker silos.
/// </summary>
[Reentrant, ActivationCountBasedPlacement]
internal sealed class ParameterShardGrain : Grain, IParameterShardGrain
{
    private ParameterShard? _shard;
    private ShardGrainSettings? _settings;

    private ParameterShard Shard => _shard ?? throw new InvalidOperationException(
        $"Parameter shard {this.GetPrimaryKeyString()} was not initialised (the driver creates every shard of a run before its workers start).");

    public Task InitializeAsync(ShardGrainSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (_settings is null)
        {
            _shard = settings.Create();
            _settings = settings;
        }
        else if (_settings != settings)
        {
            throw new InvalidOperationException($"Parameter shard {this.GetPrimaryKeyString()} already exists with other settings.");
        }

        return Task.CompletedTask;
    }

    public Task<byte[]> PullAsync(int worker, int clock, byte[] request, CancellationToken cancellationToken) =>
        Shard.PullAsync(worker, clock, request, cancellationToken);

    public Task PushAsync(int worker, int clock, byte[] push) => Shard.PushAsync(worker, clock, push);

    public Task ClockAsync(int worker) => Shard.ClockAsync(worker);

    public Task AddTouchesAsync(int worker, byte[] keys) => Shard.AddTouchesAsync(worker, keys);

    public Task<byte[]> TouchCountsAsync(byte[] keys) => Shard.TouchCountsAsync(keys);

    public Task<double[]> ReadAsync(int offset, int count) => Shard.ReadAsync(offset, count);

    public Task RestoreAsync(int clock) => Shard.RestoreAsync(clock);

    public async Task RecoverAsync(ShardGrainSettings settings, int clock)
    {
        await InitializeAsync(settings);
        await Shard.RestoreAsync(clock);
    }

    public Task RemoveAsync()
    {
        _shard?.Restore(null); // cancels parked reads
        _shard = null;
        _settings = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

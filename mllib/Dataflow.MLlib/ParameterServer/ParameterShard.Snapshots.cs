namespace Dataflow.MLlib.ParameterServer;

public sealed partial class ParameterShard
{
    /// <summary>The committed rows now: every update of clocks below <see cref="MinClock"/>.</summary>
    public ShardSnapshot Snapshot()
    {
        lock (_lock)
        {
            return SnapshotLocked();
        }
    }

    /// <summary>
    /// Resets the shard to <paramref name="snapshot"/> (null: the zero model at clock 0): every worker's clock becomes
    /// the snapshot's, pending updates are dropped and parked reads are cancelled.
    /// </summary>
    public void Restore(ShardSnapshot? snapshot)
    {
        if (snapshot is not null && (snapshot.ShardId != Id || snapshot.FirstKey != FirstKey || snapshot.Count != Count || snapshot.StatePerEntry != Updater.StatePerEntry))
        {
            throw new ArgumentException(
                $"The snapshot of shard {snapshot.ShardId} (keys {snapshot.FirstKey} … +{snapshot.Count}, {snapshot.StatePerEntry} state entries per key) does not fit shard {Id} (keys {FirstKey} … +{Count}, {Updater.StatePerEntry}).",
                nameof(snapshot));
        }

        List<Waiter> cancelled;
        lock (_lock)
        {
            var rows = ShardRows.Create(Settings.Sparse, FirstKey, Count, Updater);
            if (snapshot is not null)
            {
                rows.Import(snapshot.Keys, snapshot.Values, snapshot.State);
            }

            _rows = rows;
            if (_view is not null)
            {
                var view = ShardRows.Create(Settings.Sparse, FirstKey, Count, Updater);
                if (snapshot is not null)
                {
                    view.Import(snapshot.Keys, snapshot.Values, snapshot.State);
                }

                _view = view;
            }

            var clock = snapshot?.Clock ?? 0;
            Array.Fill(_clocks, clock);
            _minClock = clock;
            _pending.Clear();
            cancelled = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in cancelled)
        {
            waiter.Completion.TrySetCanceled();
        }
    }

    /// <inheritdoc />
    public Task RestoreAsync(int clock)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(clock);
        if (clock == 0)
        {
            Restore(null);
        }
        else
        {
            var directory = Settings.SnapshotDirectory ?? throw new InvalidOperationException($"Shard {Id} has no snapshot directory to restore clock {clock} from.");
            Restore(ShardSnapshot.ReadFrom(ShardSnapshot.PathOf(directory, Id, clock)));
        }

        return Task.CompletedTask;
    }

    private ShardSnapshot SnapshotLocked()
    {
        var (keys, values, state) = _rows.Export();
        return new ShardSnapshot(Id, _minClock, FirstKey, Count, Updater.StatePerEntry, keys, values, state);
    }
}

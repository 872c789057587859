namespace Dataflow.MLlib.ParameterServer;

/// <summary>What every shard of one parameter-server run shares.</summary>
/// <param name="Workers">The number of workers (clients that clock).</param>
/// <param name="Consistency">The consistency model, as <see cref="ParameterServer.Consistency.Parse"/> reads it.</param>
/// <param name="Updater">The server-side updater.</param>
/// <param name="Sparse">Whether rows are created on first update (else a dense array over the range).</param>
/// <param name="SnapshotEvery">Write a snapshot whenever the slowest clock reaches a multiple of this; 0 for none.</param>
/// <param name="SnapshotDirectory">Where snapshots go (storage every shard and the driver see); required when
/// <paramref name="SnapshotEvery"/> &gt; 0.</param>
/// <param name="KeepSnapshots">Keep every snapshot instead of only the last two (experiments read the model at each).</param>
/// <param name="SnapshotOffset">Snapshots are written at the slowest clocks k ≥ 1 with k ≡ this (mod
/// <paramref name="SnapshotEvery"/>); default 0, the multiples. An experiment that evaluates the model once every
/// worker finished clocks 0, E, 2E, … (the state at clocks 1, E + 1, …) uses 1.</param>
public sealed record ShardSettings(int Workers, string Consistency, UpdaterSpec Updater, bool Sparse = false, int SnapshotEvery = 0,
    string? SnapshotDirectory = null, bool KeepSnapshots = false, int SnapshotOffset = 0)
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the setting that is wrong.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Workers, 1, nameof(Workers));
        ArgumentOutOfRangeException.ThrowIfNegative(SnapshotEvery, nameof(SnapshotEvery));
        ArgumentOutOfRangeException.ThrowIfNegative(SnapshotOffset, nameof(SnapshotOffset));
        _ = ParameterServer.Consistency.Parse(Consistency);
        ArgumentNullException.ThrowIfNull(Updater, nameof(Updater));
        _ = Updater.Build();
        if (SnapshotEvery > 0 && string.IsNullOrWhiteSpace(SnapshotDirectory))
        {
            throw new ArgumentException("Snapshots (SnapshotEvery > 0) need a SnapshotDirectory (--snapshot-dir).", nameof(SnapshotDirectory));
        }
    }
}

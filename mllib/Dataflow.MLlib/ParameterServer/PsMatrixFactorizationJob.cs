using Dataflow.MLlib.Kernels;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>What every PS worker task of one matrix-factorisation run needs; travels in the task closure.</summary>
/// <param name="RunId">The run, to find the shards by (<see cref="ShardDirectory"/>).</param>
/// <param name="Users">User rows: row key u for user u.</param>
/// <param name="Items">Item rows: row key <c>Users + i</c> for item i.</param>
/// <param name="Rank">Values per row; row key r is the scalar keys <c>r·Rank … r·Rank + Rank − 1</c>.</param>
/// <param name="Ratings">N: ratings of the whole set.</param>
/// <param name="Shards">The shard count.</param>
/// <param name="Iterations">Clocks to run.</param>
/// <param name="BatchFraction">Share of its ratings a worker samples each clock, in (0, 1].</param>
/// <param name="RegParam">λ, applied by the workers (the shards hold offsets from the start, see <see cref="PsMatrixFactorizationWorker"/>).</param>
/// <param name="Seed">Seed of the sampling and of the starting factors.</param>
/// <param name="InitScale">Scale of the seeded starting factors.</param>
/// <param name="Start">The starting factors when given explicitly; null for the seeded ones.</param>
/// <param name="Consistency">The consistency model's text.</param>
/// <param name="SnapshotDirectory">Where the shards write snapshots, to restore from on a retried attempt; null for none.</param>
/// <param name="Kernels">The per-block kernels.</param>
/// <param name="Slowdowns">Injected straggler clocks (experiments); empty for none.</param>
/// <param name="Settings">The shards' settings, to re-create a shard lost with its worker when a retried attempt restores.</param>
internal sealed record PsMatrixFactorizationJob(string RunId, int Users, int Items, int Rank, long Ratings, int Shards, int Iterations, double BatchFraction,
    double RegParam, long Seed, double InitScale, double[]? Start, string Consistency, string? SnapshotDirectory, IBlockKernels Kernels, ClockSlowdown[] Slowdowns,
    ShardSettings Settings)
{
    /// <summary>Scalar keys on the servers: one per factor value.</summary>
    public int Keys => (Users + Items) * Rank;
}

using Dataflow.MLlib.Kernels;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>What every PS worker task of one logistic-regression run needs; travels in the task closure.</summary>
/// <param name="RunId">The run, to find the shards by (<see cref="ShardDirectory"/>).</param>
/// <param name="Features">d: weights are keys 0 … d − 1, the intercept key d.</param>
/// <param name="Rows">n: rows of the whole training set.</param>
/// <param name="Shards">The shard count.</param>
/// <param name="Iterations">Clocks to run.</param>
/// <param name="BatchFraction">Share of its rows a worker samples each clock, in (0, 1].</param>
/// <param name="Seed">Seed of the sampling.</param>
/// <param name="Consistency">The consistency model's text.</param>
/// <param name="SnapshotDirectory">Where the shards write snapshots, to restore from on a retried attempt; null for none.</param>
/// <param name="Kernels">The per-block kernels.</param>
/// <param name="Slowdowns">Injected straggler clocks (experiments); empty for none.</param>
/// <param name="Settings">The shards' settings, to re-create a shard lost with its worker when a retried attempt restores.</param>
/// <param name="MaxSeconds">Stop each worker at the first clock boundary this many seconds after the start barrier; null for none.</param>
internal sealed record PsLogisticJob(string RunId, int Features, long Rows, int Shards, int Iterations, double BatchFraction, long Seed,
    string Consistency, string? SnapshotDirectory, IBlockKernels Kernels, ClockSlowdown[] Slowdowns, ShardSettings Settings, double? MaxSeconds = null);

namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// An injected straggler clock: worker <paramref name="Worker"/>'s clock <paramref name="Clock"/> takes
/// <paramref name="Factor"/> times its compute time, by sleeping (factor − 1) × the compute time it measured in that
/// clock (so a slow worker does not take CPU from the others on a small machine). For experiments.
/// </summary>
/// <param name="Worker">The worker (data partition), from 0.</param>
/// <param name="Clock">The clock, from 0.</param>
/// <param name="Factor">The slowdown, ≥ 1.</param>
public sealed record ClockSlowdown(int Worker, int Clock, double Factor);

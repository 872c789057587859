using System.Globalization;
using Dataflow.MLlib.ParameterServer;
using Dataflow.MLlib.Recommendation;

namespace Dataflow.Examples.PsExperiment;

/// <summary>
/// Runs one mode of matrix factorisation from the shared start with the shared optimiser, and turns what it measured
/// into results.csv rows as <see cref="Runners"/> does for logistic regression: driver mode one row per iteration,
/// the PS modes one per worker per clock with the objective of the servers' snapshot at every E-th clock.
/// </summary>
/// <remarks><paramref name="start"/> is <see cref="FactorInitialization"/>'s seeded start for the run's seed, the one
/// both trainers create themselves from the same seed: driver mode is given it, the PS workers compute their rows of
/// it, and the snapshots (offsets from it) are evaluated against it.</remarks>
internal sealed class MfRunners(Settings settings, int rank, MatrixFactorizationModel start, Rdd<Rating> ratings)
{
    public async Task<ModeResult> RunAsync(ModeSpec mode, CancellationToken cancellationToken) =>
        mode.Kind == "driver" ? await DriverAsync(mode, cancellationToken) : await PsAsync(mode, cancellationToken);

    private bool Evaluated(int clock) => clock % settings.EvalEvery == 0;

    private async Task<ModeResult> DriverAsync(ModeSpec mode, CancellationToken cancellationToken)
    {
        using var kernels = new StragglerKernels(StragglerSpec.Plan(settings.Stragglers, settings.Clocks, settings.Seed));
        var (_, summary) = await new MatrixFactorization
        {
            Rank = rank,
            RegParam = settings.RegParam,
            Iterations = settings.Clocks,
            Updater = settings.Updater,
            StepSize = settings.Step,
            MiniBatchFraction = settings.BatchFraction,
            Seed = settings.Seed,
            Start = start,
            Kernels = kernels,
        }.FitAsync(ratings, cancellationToken);
        var iterations = summary.Iterations;
        var rows = new List<ResultRow>();
        var wall = 0.0;
        for (var i = 0; i < iterations.Count; i++)
        {
            var it = iterations[i];
            wall += it.WallSeconds;
            var clock = i + 1;
            // Iteration t records the objective before its update: after update t it is iteration t + 1's (full batch).
            double? objective = Evaluated(clock) ? (i + 1 < iterations.Count ? iterations[i + 1].Objective : summary.Objective) : null;
            rows.Add(new ResultRow(mode.Token, "all", clock, wall, objective, it.ComputeSeconds + it.DriverSeconds, it.BroadcastSeconds + it.AggregateSeconds,
                it.SchedulingSeconds, it.PartialResultBytes, it.BroadcastBytes * (long)settings.Workers));
        }

        var slow = kernels.SlowedCalls().Where(s => s.Key.Clock < settings.Clocks).OrderBy(s => s.Key.Worker).ThenBy(s => s.Key.Clock)
            .Select(s => new SlowClockRow(mode.Token, s.Key.Worker, s.Key.Clock + 1, settings.Stragglers.First(x => x.Worker == s.Key.Worker).Factor, s.Value.Kernels, s.Value.Slept))
            .ToList();
        return new ModeResult(mode, rows, summary.Objective, iterations.Count, summary.TrainingSeconds, slow);
    }

    private async Task<ModeResult> PsAsync(ModeSpec mode, CancellationToken cancellationToken)
    {
        var snapshots = Path.Combine(settings.Out, ".snapshots-" + mode.Token.Replace(':', '-'));
        var slowdowns = StragglerSpec.Plan(settings.Stragglers, settings.Clocks, settings.Seed);
        try
        {
            var (_, summary) = await new PsMatrixFactorization
            {
                Consistency = mode.Consistency!,
                Shards = settings.Workers,
                Rank = rank,
                Updater = settings.Updater,
                StepSize = settings.Step,
                MiniBatchFraction = settings.BatchFraction,
                RegParam = settings.RegParam,
                Iterations = settings.Clocks,
                Seed = settings.Seed,
                // The seeded start, computed by each worker for its own rows rather than shipped in the task closure.
                Users = start.Users,
                Items = start.Items,
                SnapshotEvery = settings.EvalEvery,
                SnapshotDirectory = snapshots,
                KeepSnapshots = true,
                Slowdowns = slowdowns,
            }.FitAsync(ratings, cancellationToken);

            // The servers' state when the slowest worker finished clock k is the snapshot at k: offsets from the start.
            var keys = start.Factors.Length;
            var shards = Math.Min(settings.Workers, keys);
            var objectives = new Dictionary<int, double>();
            for (var k = settings.EvalEvery; k <= settings.Clocks; k += settings.EvalEvery)
            {
                var offsets = new double[keys];
                for (var s = 0; s < shards; s++)
                {
                    var snapshot = ShardSnapshot.ReadFrom(ShardSnapshot.PathOf(snapshots, s, k));
                    for (var j = 0; j < snapshot.Keys.Length; j++)
                    {
                        offsets[snapshot.Keys[j]] = snapshot.Values[j];
                    }
                }

                objectives[k] = await start.Plus(offsets).ObjectiveAsync(ratings, settings.RegParam, cancellationToken);
            }

            var rows = new List<ResultRow>();
            var slow = new List<SlowClockRow>();
            foreach (var w in summary.Workers)
            {
                for (var i = 0; i < w.ComputeSeconds.Length; i++)
                {
                    var clock = w.StartClock + i + 1;
                    rows.Add(new ResultRow(mode.Token, w.Worker.ToString(CultureInfo.InvariantCulture), clock, w.EndSeconds![i],
                        objectives.TryGetValue(clock, out var o) ? o : null, w.ComputeSeconds[i], w.CommunicationSeconds[i], w.WaitSeconds[i],
                        w.BytesSentPerClock![i], w.BytesReceivedPerClock![i]));
                    if (slowdowns.FirstOrDefault(s => s.Worker == w.Worker && s.Clock == clock - 1) is { } planned)
                    {
                        slow.Add(new SlowClockRow(mode.Token, w.Worker, clock, planned.Factor, w.ComputeSeconds[i] - w.SlowdownSeconds![i], w.SlowdownSeconds[i]));
                    }
                }
            }

            rows.Sort((a, b) => a.Clock != b.Clock ? a.Clock.CompareTo(b.Clock)
                : int.Parse(a.Worker, CultureInfo.InvariantCulture).CompareTo(int.Parse(b.Worker, CultureInfo.InvariantCulture)));
            return new ModeResult(mode, rows, summary.Objective, summary.Clocks, summary.Seconds, slow);
        }
        finally
        {
            if (Directory.Exists(snapshots))
            {
                Directory.Delete(snapshots, recursive: true);
            }
        }
    }
}

using DriverLogisticRegression = Dataflow.MLlib.Classification.LogisticRegression;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Optimization;
using Dataflow.MLlib.ParameterServer;
using Dataflow.MLlib.RddModel;
using Dataflow.MLlib.Training;

namespace Dataflow.Examples.PsExperiment;

/// <summary>
/// Runs one mode with the shared optimiser (mini-batch SGD, the same updater, step, batch fraction and λ) through the
/// existing trainers: driver mode through <see cref="DriverLogisticRegression"/> (broadcast + aggregate), rdd through
/// <see cref="RddModelLogisticRegression"/>, the PS modes through <see cref="PsLogisticRegression"/>.
/// </summary>
internal sealed class Runners(Settings settings, int features, ObjectiveEvaluator evaluator)
{
    public async Task<ModeResult> RunAsync(ModeSpec mode, Rdd<LabeledPoint> points, CancellationToken cancellationToken) => mode.Kind switch
    {
        "driver" => await DriverAsync(mode, points, cancellationToken),
        "rdd" => await RddAsync(mode, points, cancellationToken),
        _ => await PsAsync(mode, points, cancellationToken),
    };

    /// <summary>The driver-mode L-BFGS optimum of the same objective (the default target's base).</summary>
    public static async Task<double> OptimumAsync(Rdd<LabeledPoint> points, double regParam, CancellationToken cancellationToken)
    {
        var model = await new DriverLogisticRegression { RegParam = regParam, MaxIterations = 500, Tolerance = 1e-10 }.FitAsync(points, cancellationToken);
        return model.Summary!.Objective;
    }

    private IUpdater Updater() => settings.Updater == "adagrad"
        ? new AdaGradUpdater(new ConstantStepSchedule(settings.Step), regularization: Regularization())
        : new SgdUpdater(new InverseSqrtStepSchedule(settings.Step), Regularization());

    private L2Regularization Regularization() => new(settings.RegParam, RegularizedKeys.Below(features));

    private bool Evaluated(int clock) => clock % settings.EvalEvery == 0;

    private async Task<ModeResult> DriverAsync(ModeSpec mode, Rdd<LabeledPoint> points, CancellationToken cancellationToken)
    {
        using var kernels = new StragglerKernels(StragglerSpec.Plan(settings.Stragglers, settings.Clocks, settings.Seed));
        var estimator = new DriverLogisticRegression
        {
            RegParam = settings.RegParam,
            MaxIterations = settings.Clocks,
            Tolerance = 0,
            Optimizer = TrainingOptimizer.Sgd,
            StepSize = settings.Step,
            MiniBatchFraction = settings.BatchFraction,
            Seed = settings.Seed,
            Updater = Updater(),
            Kernels = kernels,
        };
        var model = await estimator.FitAsync(points, cancellationToken);
        var summary = model.Summary!;
        var iterations = summary.Iterations;
        var rows = new List<ResultRow>();
        var wall = 0.0;
        for (var i = 0; i < iterations.Count; i++)
        {
            var it = iterations[i];
            wall += it.WallSeconds;
            var clock = i + 1;
            // Iteration t records the full-batch objective before its update: after update t it is iteration t + 1's.
            double? objective = Evaluated(clock) ? (i + 1 < iterations.Count ? iterations[i + 1].Objective : summary.Objective) : null;
            rows.Add(new ResultRow(mode.Token, "all", clock, wall, objective, it.ComputeSeconds + it.DriverSeconds, it.BroadcastSeconds + it.AggregateSeconds,
                it.SchedulingSeconds, it.PartialResultBytes, it.BroadcastBytes * (long)settings.Workers));
        }

        return new ModeResult(mode, rows, summary.Objective, iterations.Count, summary.TrainingSeconds, SlowRows(mode, kernels));
    }

    private async Task<ModeResult> RddAsync(ModeSpec mode, Rdd<LabeledPoint> points, CancellationToken cancellationToken)
    {
        using var kernels = new StragglerKernels(StragglerSpec.Plan(settings.Stragglers, settings.Clocks, settings.Seed));
        var estimator = new RddModelLogisticRegression
        {
            Updater = Updater(),
            RegParam = settings.RegParam,
            MaxIterations = settings.Clocks,
            MiniBatchFraction = settings.BatchFraction,
            Seed = settings.Seed,
            Kernels = kernels,
        };
        var clock0 = System.Diagnostics.Stopwatch.StartNew();
        var result = await estimator.FitAsync(points, cancellationToken);
        var seconds = clock0.Elapsed.TotalSeconds;
        var iterations = result.Iterations;
        var rows = new List<ResultRow>();
        var wall = 0.0;
        for (var i = 0; i < iterations.Count; i++)
        {
            var it = iterations[i];
            wall += it.WallSeconds;
            var clock = i + 1;
            double? objective = Evaluated(clock) ? (i + 1 < iterations.Count ? iterations[i + 1].Objective : result.Objective) : null;
            rows.Add(new ResultRow(mode.Token, "all", clock, wall, objective, it.ComputeSeconds + it.DriverSeconds,
                Math.Max(0, it.StageSeconds - it.ComputeSeconds), it.SchedulingSeconds, it.ShuffleWriteBytes, it.ShuffleReadBytes));
        }

        return new ModeResult(mode, rows, result.Objective, iterations.Count, seconds, SlowRows(mode, kernels));
    }

    private List<SlowClockRow> SlowRows(ModeSpec mode, StragglerKernels kernels) =>
        [.. kernels.SlowedCalls().Where(s => s.Key.Clock < settings.Clocks).OrderBy(s => s.Key.Worker).ThenBy(s => s.Key.Clock)
            .Select(s => new SlowClockRow(mode.Token, s.Key.Worker, s.Key.Clock + 1, settings.Stragglers.First(x => x.Worker == s.Key.Worker).Factor, s.Value.Kernels, s.Value.Slept))];

    private async Task<ModeResult> PsAsync(ModeSpec mode, Rdd<LabeledPoint> points, CancellationToken cancellationToken)
    {
        var snapshots = Path.Combine(settings.Out, ".snapshots-" + mode.Token.Replace(':', '-'));
        var slowdowns = StragglerSpec.Plan(settings.Stragglers, settings.Clocks, settings.Seed);
        try
        {
            var estimator = new PsLogisticRegression
            {
                Consistency = mode.Consistency!,
                Shards = settings.Workers,
                Updater = settings.Updater,
                StepSize = settings.Step,
                MiniBatchFraction = settings.BatchFraction,
                RegParam = settings.RegParam,
                Iterations = settings.Clocks,
                Seed = settings.Seed,
                SnapshotEvery = settings.EvalEvery,
                SnapshotDirectory = snapshots,
                KeepSnapshots = true,
                Slowdowns = slowdowns,
            };
            var (_, summary) = await estimator.FitAsync(points, cancellationToken);

            // The servers' state when the slowest worker finished clock k is the snapshot at k (every update of clocks < k).
            var shards = Math.Min(settings.Workers, features + 1);
            var objectives = new Dictionary<int, double>();
            for (var k = settings.EvalEvery; k <= settings.Clocks; k += settings.EvalEvery)
            {
                var model = new double[features + 1];
                for (var s = 0; s < shards; s++)
                {
                    var snapshot = ShardSnapshot.ReadFrom(ShardSnapshot.PathOf(snapshots, s, k));
                    for (var j = 0; j < snapshot.Keys.Length; j++)
                    {
                        model[snapshot.Keys[j]] = snapshot.Values[j];
                    }
                }

                objectives[k] = await evaluator.EvaluateAsync(model, cancellationToken);
            }

            var rows = new List<ResultRow>();
            var slow = new List<SlowClockRow>();
            foreach (var w in summary.Workers)
            {
                for (var i = 0; i < w.ComputeSeconds.Length; i++)
                {
                    var clock = w.StartClock + i + 1;
                    rows.Add(new ResultRow(mode.Token, w.Worker.ToString(System.Globalization.CultureInfo.InvariantCulture), clock, w.EndSeconds![i],
                        objectives.TryGetValue(clock, out var o) ? o : null, w.ComputeSeconds[i], w.CommunicationSeconds[i], w.WaitSeconds[i],
                        w.BytesSentPerClock![i], w.BytesReceivedPerClock![i]));
                    if (w.SlowdownSeconds![i] > 0 || slowdowns.Any(s => s.Worker == w.Worker && s.Clock == clock - 1))
                    {
                        var factor = slowdowns.First(s => s.Worker == w.Worker && s.Clock == clock - 1).Factor;
                        slow.Add(new SlowClockRow(mode.Token, w.Worker, clock, factor, w.ComputeSeconds[i] - w.SlowdownSeconds[i], w.SlowdownSeconds[i]));
                    }
                }
            }

            rows.Sort((a, b) => a.Clock != b.Clock ? a.Clock.CompareTo(b.Clock) : int.Parse(a.Worker, System.Globalization.CultureInfo.InvariantCulture).CompareTo(int.Parse(b.Worker, System.Globalization.CultureInfo.InvariantCulture)));
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

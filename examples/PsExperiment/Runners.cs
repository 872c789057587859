using DriverLogisticRegression = Dataflow.MLlib.Classification.LogisticRegression;
using System.Globalization;
using Dataflow.MLlib.Kernels;
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
internal sealed class Runners(Settings settings, int features, ObjectiveEvaluator evaluator, string program)
{
    private TimeSpan? MaxTime => settings.MaxSeconds is { } t ? TimeSpan.FromSeconds(t) : null;

    public async Task<ModeResult> RunAsync(ModeSpec mode, Rdd<LabeledPoint> points, CancellationToken cancellationToken) => mode.Kind switch
    {
        "driver" => await DriverAsync(mode, points, cancellationToken),
        "rdd" => await RddAsync(mode, points, cancellationToken),
        _ => await PsAsync(mode, points, cancellationToken),
    };

    /// <summary>The driver-mode L-BFGS optimum of the same objective (the default target's base).</summary>
    /// <remarks><c>--max-seconds</c> bounds this run too; the summary says when it stopped it.</remarks>
    public static async Task<(double Optimum, bool StoppedByTime, int Iterations)> OptimumAsync(Rdd<LabeledPoint> points, Settings settings,
        CancellationToken cancellationToken)
    {
        var model = await new DriverLogisticRegression
        {
            RegParam = settings.RegParam,
            MaxIterations = 500,
            Tolerance = 1e-10,
            MaxTime = settings.MaxSeconds is { } t ? TimeSpan.FromSeconds(t) : null,
            Kernels = new ExecutorKernels(settings.Device, settings.DeviceMemory),
        }.FitAsync(points, cancellationToken);
        var summary = model.Summary!;
        return (summary.Objective, summary.Status == OptimizationStatus.TimeLimit, summary.Iterations.Count - 1);
    }

    // The run's kernels (--device), created once per executor; wrapped to slow the straggler's tasks when there is one.
    private IBlockKernels Kernels(out StragglerKernels? stragglers) => Kernels(settings, out stragglers);

    /// <summary>The kernels of the chosen device, behind the straggler plan when there is one (driver and rdd modes).</summary>
    public static IBlockKernels Kernels(Settings settings, out StragglerKernels? stragglers)
    {
        var kernels = new ExecutorKernels(settings.Device, settings.DeviceMemory);
        stragglers = settings.Stragglers.Count == 0 ? null : new StragglerKernels(StragglerSpec.Plan(settings.Stragglers, settings.Clocks, settings.Seed), kernels);
        return (IBlockKernels?)stragglers ?? kernels;
    }

    private IUpdater Updater() => settings.Updater == "adagrad"
        ? new AdaGradUpdater(new ConstantStepSchedule(settings.Step), regularization: Regularization())
        : new SgdUpdater(new InverseSqrtStepSchedule(settings.Step), Regularization());

    private L2Regularization Regularization() => new(settings.RegParam, RegularizedKeys.Below(features));

    private bool Evaluated(int clock) => clock % settings.EvalEvery == 0;

    private async Task<ModeResult> DriverAsync(ModeSpec mode, Rdd<LabeledPoint> points, CancellationToken cancellationToken)
    {
        var kernels = Kernels(out var stragglers);
        using var _ = stragglers;
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
            MaxTime = MaxTime,
            Progress = new LiveProgress(program, mode.Token, settings.EvalEvery),
        };
        var model = await estimator.FitAsync(points, cancellationToken);
        var summary = model.Summary!;
        return new ModeResult(mode, DriverRows(settings, mode, summary.Iterations, summary.Objective), summary.Objective, summary.Iterations.Count,
            summary.TrainingSeconds, SlowRows(settings, mode, stragglers), summary.Status == OptimizationStatus.TimeLimit);
    }

    /// <summary>Driver mode's rows, one per iteration (clock i from 0), for any driver-mode trainer's iteration timings.</summary>
    public static List<ResultRow> DriverRows(Settings settings, ModeSpec mode, IReadOnlyList<IterationTimings> iterations, double finalObjective)
    {
        var rows = new List<ResultRow>();
        var wall = 0.0;
        for (var i = 0; i < iterations.Count; i++)
        {
            var it = iterations[i];
            wall += it.WallSeconds;
            var clock = i;
            // Iteration i (from 0) makes update i + 1 and records the full-batch objective before it: the model after
            // clock i is iteration i + 1's (the last one's is the final objective).
            double? objective = clock % settings.EvalEvery == 0 ? (i + 1 < iterations.Count ? iterations[i + 1].Objective : finalObjective) : null;
            rows.Add(new ResultRow(mode.Token, "all", clock, wall, objective, it.ComputeSeconds + it.DriverSeconds, it.BroadcastSeconds + it.AggregateSeconds,
                it.SchedulingSeconds, it.PartialResultBytes, it.BroadcastBytes * (long)settings.Workers));
        }

        return rows;
    }

    private async Task<ModeResult> RddAsync(ModeSpec mode, Rdd<LabeledPoint> points, CancellationToken cancellationToken)
    {
        var kernels = Kernels(out var stragglers);
        using var _ = stragglers;
        var estimator = new RddModelLogisticRegression
        {
            Updater = Updater(),
            RegParam = settings.RegParam,
            MaxIterations = settings.Clocks,
            MiniBatchFraction = settings.BatchFraction,
            Seed = settings.Seed,
            Kernels = kernels,
            MaxTime = MaxTime,
            Progress = new LiveProgress(program, mode.Token, settings.EvalEvery),
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
            var clock = i;
            double? objective = Evaluated(clock) ? (i + 1 < iterations.Count ? iterations[i + 1].Objective : result.Objective) : null;
            rows.Add(new ResultRow(mode.Token, "all", clock, wall, objective, it.ComputeSeconds + it.DriverSeconds,
                Math.Max(0, it.StageSeconds - it.ComputeSeconds), it.SchedulingSeconds, it.ShuffleWriteBytes, it.ShuffleReadBytes));
        }

        return new ModeResult(mode, rows, result.Objective, iterations.Count, seconds, SlowRows(settings, mode, stragglers), result.Status == OptimizationStatus.TimeLimit);
    }

    /// <summary>The slowed clocks the straggler kernels recorded (driver and rdd modes).</summary>
    public static List<SlowClockRow> SlowRows(Settings settings, ModeSpec mode, StragglerKernels? kernels) => kernels is null ? [] :
        [.. kernels.SlowedCalls().Where(s => s.Key.Clock < settings.Clocks).OrderBy(s => s.Key.Worker).ThenBy(s => s.Key.Clock)
            .Select(s => new SlowClockRow(mode.Token, s.Key.Worker, s.Key.Clock, settings.Stragglers.First(x => x.Worker == s.Key.Worker).Factor, s.Value.Kernels, s.Value.Slept))];

    private async Task<ModeResult> PsAsync(ModeSpec mode, Rdd<LabeledPoint> points, CancellationToken cancellationToken)
    {
        var snapshots = Path.Combine(settings.Out, ".snapshots-" + mode.Token.Replace(':', '-'));
        var slowdowns = StragglerSpec.Plan(settings.Stragglers, settings.Clocks, settings.Seed);
        var progress = new LiveProgress(program, mode.Token, settings.EvalEvery);
        var shards = Math.Min(settings.Workers, features + 1);
        using var watching = new CancellationTokenSource();
        var watcher = WatchSnapshotsAsync(snapshots, shards, progress, watching.Token);
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
                // The state once every worker finished clock c (clocks 0 … c) is the snapshot at slowest clock c + 1:
                // snapshots at 1, E + 1, 2E + 1, … for the evaluated clocks 0, E, 2E, ….
                SnapshotEvery = settings.EvalEvery,
                SnapshotOffset = 1,
                SnapshotDirectory = snapshots,
                KeepSnapshots = true,
                Slowdowns = slowdowns,
                Kernels = new ExecutorKernels(settings.Device, settings.DeviceMemory),
                MaxTime = MaxTime,
            };
            var (_, summary) = await estimator.FitAsync(points, cancellationToken);
            await watching.CancelAsync();
            await watcher;

            var objectives = new Dictionary<int, double>();
            var walls = summary.Workers.SelectMany(w => w.EndSeconds!.Select((end, i) => (Clock: w.StartClock + i, End: end)))
                .GroupBy(x => x.Clock).ToDictionary(g => g.Key, g => g.Max(x => x.End));
            for (var c = 0; c < summary.Clocks; c += settings.EvalEvery)
            {
                objectives[c] = await evaluator.EvaluateAsync(ModelAfter(snapshots, shards, c, features + 1), cancellationToken);
                progress.Evaluated(c, objectives[c], walls.GetValueOrDefault(c, double.NaN));
            }

            var (rows, slow) = PsRows(mode, summary.Workers, objectives, slowdowns);
            // A retried stage attempt restarts every worker from the last snapshot: its rows start there, timed from its own barrier.
            var restart = summary.Workers.Max(w => w.StartClock);
            var note = restart > 0
                ? string.Create(CultureInfo.InvariantCulture, $"a task failed and the PS stage was retried from the snapshot at clock {restart}: the rows are the retried attempt's (clocks {restart} on, wall seconds from its barrier), the objectives before it from the first attempt's snapshots")
                : null;
            if (note is not null)
            {
                progress.Line(note);
            }

            return new ModeResult(mode, rows, summary.Objective, summary.Clocks, summary.Seconds, slow, summary.Clocks < settings.Clocks, Note: note);
        }
        finally
        {
            await watching.CancelAsync();
            await watcher;
            if (Directory.Exists(snapshots))
            {
                Directory.Delete(snapshots, recursive: true);
            }
        }
    }

    /// <summary>
    /// The servers' model once every worker finished clock <paramref name="clock"/> (clocks 0 … c): the snapshot at
    /// slowest clock c + 1 (written with <c>SnapshotOffset = 1</c>), as a dense array of <paramref name="keys"/> values.
    /// </summary>
    public static double[] ModelAfter(string snapshots, int shards, int clock, int keys)
    {
        var model = new double[keys];
        for (var s = 0; s < shards; s++)
        {
            var snapshot = ShardSnapshot.ReadFrom(ShardSnapshot.PathOf(snapshots, s, clock + 1));
            for (var j = 0; j < snapshot.Keys.Length; j++)
            {
                model[snapshot.Keys[j]] = snapshot.Values[j];
            }
        }

        return model;
    }

    /// <summary>A PS mode's rows, one per worker per clock (from 0) in clock then worker order, and its slowed clocks.</summary>
    public static (List<ResultRow> Rows, List<SlowClockRow> Slow) PsRows(ModeSpec mode, IEnumerable<PsWorkerStats> workers,
        IReadOnlyDictionary<int, double> objectives, IReadOnlyList<ClockSlowdown> slowdowns)
    {
        var rows = new List<ResultRow>();
        var slow = new List<SlowClockRow>();
        foreach (var w in workers)
        {
            for (var i = 0; i < w.ComputeSeconds.Length; i++)
            {
                var clock = w.StartClock + i;
                rows.Add(new ResultRow(mode.Token, w.Worker.ToString(CultureInfo.InvariantCulture), clock, w.EndSeconds![i],
                    objectives.TryGetValue(clock, out var o) ? o : null, w.ComputeSeconds[i], w.CommunicationSeconds[i], w.WaitSeconds[i],
                    w.BytesSentPerClock![i], w.BytesReceivedPerClock![i]));
                if (slowdowns.FirstOrDefault(s => s.Worker == w.Worker && s.Clock == clock) is { } planned)
                {
                    slow.Add(new SlowClockRow(mode.Token, w.Worker, clock, planned.Factor, w.ComputeSeconds[i] - w.SlowdownSeconds![i], w.SlowdownSeconds[i]));
                }
            }
        }

        rows.Sort((a, b) => a.Clock != b.Clock ? a.Clock.CompareTo(b.Clock)
            : int.Parse(a.Worker, CultureInfo.InvariantCulture).CompareTo(int.Parse(b.Worker, CultureInfo.InvariantCulture)));
        return (rows, slow);
    }

    // Live PS progress: the shards write the snapshot of slowest clock c + 1 once every worker finished clock c.
    private async Task WatchSnapshotsAsync(string directory, int shards, LiveProgress progress, CancellationToken cancellationToken)
    {
        var clock = 0;
        try
        {
            while (clock < settings.Clocks)
            {
                if (Enumerable.Range(0, shards).All(s => File.Exists(ShardSnapshot.PathOf(directory, s, clock + 1))))
                {
                    progress.Finished(clock);
                    clock += settings.EvalEvery;
                    continue;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Training ended.
        }
    }
}

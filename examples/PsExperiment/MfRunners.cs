using Dataflow.MLlib.ParameterServer;
using Dataflow.MLlib.Recommendation;
using Dataflow.MLlib.Training;

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

    private async Task<ModeResult> DriverAsync(ModeSpec mode, CancellationToken cancellationToken)
    {
        var kernels = Runners.Kernels(settings, out var stragglers);
        using var _ = stragglers;
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
        return new ModeResult(mode, Runners.DriverRows(settings, mode, summary.Iterations, summary.Objective), summary.Objective,
            summary.Iterations.Count, summary.TrainingSeconds, Runners.SlowRows(settings, mode, stragglers));
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
                // As for logistic regression: the model after clock c (from 0) is the snapshot at slowest clock c + 1.
                SnapshotEvery = settings.EvalEvery,
                SnapshotOffset = 1,
                SnapshotDirectory = snapshots,
                KeepSnapshots = true,
                Slowdowns = slowdowns,
                Kernels = new ExecutorKernels(settings.Device, settings.DeviceMemory),
            }.FitAsync(ratings, cancellationToken);

            // The snapshots hold offsets from the start.
            var keys = start.Factors.Length;
            var shards = Math.Min(settings.Workers, keys);
            var objectives = new Dictionary<int, double>();
            for (var c = 0; c < summary.Clocks; c += settings.EvalEvery)
            {
                objectives[c] = await start.Plus(Runners.ModelAfter(snapshots, shards, c, keys)).ObjectiveAsync(ratings, settings.RegParam, cancellationToken);
            }

            var (rows, slow) = Runners.PsRows(mode, summary.Workers, objectives, slowdowns);
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

using System.Diagnostics;
using System.Runtime.CompilerServices;
using Dataflow.MLlib.Classification;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Optimization;
using Dataflow.MLlib.Training;
using Dataflow.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// Binary logistic regression trained on a parameter server (Petuum/PMLS style): the weights and intercept live in
/// range-partitioned shards with a server-side updater; one long-running worker per data partition, all started
/// together as a barrier stage, loops pull → gradient of its mini-batch with the MLlib kernels → push → clock, under
/// BSP, SSP or ASP consistency. The objective is the driver mode's: mean log-loss + (λ/2)‖w‖², intercept unpenalised.
/// </summary>
/// <remarks>
/// Defaults converge on standardised or LIBSVM-scaled data without tuning: AdaGrad with step 0.5 and ε 1e-8,
/// mini-batch fraction 1 (each clock uses the worker's whole partition), zero start. The number of workers is the
/// number of partitions of the training data. In local mode the shards are objects in the driver's process.
/// </remarks>
/// <example><code>
/// var (model, summary) = await new PsLogisticRegression { Consistency = "ssp:3", RegParam = 1e-4, Iterations = 500 }
///     .FitAsync(points.Repartition(4), ct);
/// </code></example>
public sealed class PsLogisticRegression
{
    /// <summary><c>bsp</c> (default), <c>ssp:S</c> or <c>asp</c>.</summary>
    public string Consistency { get; set; } = "bsp";

    /// <summary>Shards; null (default) for one per worker.</summary>
    public int? Shards { get; set; }

    /// <summary><c>adagrad</c> (default) or <c>sgd</c> (η/√t).</summary>
    public string Updater { get; set; } = "adagrad";

    /// <summary>The step η. Default 0.5.</summary>
    public double StepSize { get; set; } = AdaGradUpdater.DefaultStep;

    /// <summary>AdaGrad's ε. Default 1e-8.</summary>
    public double Epsilon { get; set; } = AdaGradUpdater.DefaultEpsilon;

    /// <summary>Share of a worker's rows in each clock's mini-batch, in (0, 1]. Default 1.</summary>
    public double MiniBatchFraction { get; set; } = 1.0;

    /// <summary>L2 λ on the weights. Default 0.</summary>
    public double RegParam { get; set; }

    /// <summary>Clocks (<c>Clock()</c> calls per worker). Default 100.</summary>
    public int Iterations { get; set; } = 100;

    /// <summary>Seed of the mini-batch sampling. Default 42.</summary>
    public long Seed { get; set; } = 42;

    /// <summary>Write a snapshot every this many clocks (0, the default: none); needs <see cref="SnapshotDirectory"/>.</summary>
    public int SnapshotEvery { get; set; }

    /// <summary>Where snapshots go.</summary>
    public string? SnapshotDirectory { get; set; }

    /// <summary>Keep every snapshot (default false: only the last two per shard), e.g. to evaluate the model at each.</summary>
    public bool KeepSnapshots { get; set; }

    /// <summary>Snapshots at the slowest clocks k ≡ this (mod <see cref="SnapshotEvery"/>); default 0, the multiples (<see cref="ShardSettings.SnapshotOffset"/>).</summary>
    public int SnapshotOffset { get; set; }

    /// <summary>
    /// Stop each worker at the first clock boundary this long after the barrier all workers pass before their first clock
    /// (default null: run every clock). A stopped worker then ends its clock without updates enough times (s + 1 under
    /// <c>ssp:s</c>, to <see cref="Iterations"/> under ASP) that no other worker waits for it and every update
    /// pushed is committed; those empty clocks are in no statistic. The summary's <see cref="PsTrainingSummary.Clocks"/>
    /// is then the fewest clocks any worker ran.
    /// </summary>
    public TimeSpan? MaxTime { get; set; }

    /// <summary>Sparse shard rows (created on first update); null (default) for sparse when d &gt; 65,536.</summary>
    public bool? SparseRows { get; set; }

    /// <summary>
    /// Where the shards live: (run id, key ranges, settings) → shards, and a matching remover. Null (the default) takes
    /// <see cref="ShardHosts.For"/> of the data's context: in-process <see cref="ParameterShard"/>s in local mode, the
    /// shard grains of <c>Dataflow.MLlib.Cluster</c> (which the application then references) on an Orleans cluster.
    /// </summary>
    public IShardHost? ShardHost { get; set; }

    /// <summary>Injected straggler clocks, for experiments (<see cref="ClockSlowdown"/>). Default none.</summary>
    public IReadOnlyList<ClockSlowdown> Slowdowns { get; set; } = [];

    /// <summary>The per-block kernels. Default the managed SIMD kernels.</summary>
    public IBlockKernels Kernels { get; set; } = new SimdKernels();

    /// <summary>Where progress goes.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Checks the settings, throwing an <see cref="ArgumentException"/> naming the one that is wrong.</summary>
    public void Validate()
    {
        _ = ParameterServer.Consistency.Parse(Consistency);
        if (Shards is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Shards), Shards, "Shards must be 1 or more.");
        }

        if (!(MiniBatchFraction > 0 && MiniBatchFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MiniBatchFraction), MiniBatchFraction, "MiniBatchFraction must be in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Iterations, nameof(Iterations));
        if (MaxTime is { } limit && limit < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTime), limit, "MaxTime must be zero or more, or null for no limit.");
        }

        new ShardSettings(1, Consistency, UpdaterSpecFor(0), SnapshotEvery: SnapshotEvery, SnapshotDirectory: SnapshotDirectory, SnapshotOffset: SnapshotOffset).Validate();
        ArgumentNullException.ThrowIfNull(Kernels, nameof(Kernels));
        ArgumentNullException.ThrowIfNull(Slowdowns, nameof(Slowdowns));
        foreach (var slowdown in Slowdowns)
        {
            if (slowdown.Worker < 0 || slowdown.Clock < 0 || !(slowdown.Factor >= 1) || !double.IsFinite(slowdown.Factor))
            {
                throw new ArgumentOutOfRangeException(nameof(Slowdowns), slowdown, "A slowdown needs a worker and clock ≥ 0 and a finite factor ≥ 1.");
            }
        }
    }

    /// <summary>Trains on <paramref name="points"/>, one worker per partition.</summary>
    /// <exception cref="ArgumentException">The data is empty or does not have exactly two classes (PS mode is binary).</exception>
    public async Task<(LogisticRegressionModel Model, PsTrainingSummary Summary)> FitAsync(Rdd<LabeledPoint> points, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        Validate();
        var classes = await ClassIndex.FitAsync(points, cancellationToken: cancellationToken, callerFile: callerFile, callerLine: callerLine).ConfigureAwait(false);
        if (classes.Count != 2)
        {
            throw new ArgumentException(
                $"Parameter-server training is binary logistic regression, but the data has {classes.Count} classes ({classes}); use driver mode for softmax.", nameof(points));
        }

        var data = await TrainingData.PackAsync(points, classes, StorageLevel.MemoryAndDisk, callerFile, callerLine, cancellationToken).ConfigureAwait(false);
        var runId = Guid.NewGuid().ToString("N");
        IShardHost? created = null;
        var shardCount = 0;
        try
        {
            var d = data.Features;
            var workers = data.Blocks.NumPartitions;
            var ranges = new KeyRanges(d + 1, Math.Min(Shards ?? workers, d + 1));
            var settings = new ShardSettings(workers, Consistency, UpdaterSpecFor(d), SparseRows ?? d > 65_536, SnapshotEvery, SnapshotDirectory, KeepSnapshots,
                SnapshotOffset);
            IReadOnlyList<IParameterShard> shards;
            if ((ShardHost ?? ShardHosts.For(points.Context)) is { } host)
            {
                shards = await host.CreateAsync(runId, ranges, settings).ConfigureAwait(false);
                created = host;
            }
            else
            {
                shards = [.. Enumerable.Range(0, ranges.Shards).Select(s => (IParameterShard)new ParameterShard(s, ranges.First(s), ranges.Count(s), settings))];
                ShardDirectory.Register(runId, shards);
            }

            shardCount = ranges.Shards;
            var job = new PsLogisticJob(runId, d, data.Rows, ranges.Shards, Iterations, MiniBatchFraction, Seed, Consistency, SnapshotEvery > 0 ? SnapshotDirectory : null, Kernels,
                [.. Slowdowns], settings, MaxTime?.TotalSeconds);
            Logger.LogInformation("PS training: {Workers} workers, {Shards} shards, {Keys} keys, {Consistency}, {Clocks} clocks", workers, ranges.Shards, d + 1, Consistency, Iterations);

            var clock = Stopwatch.StartNew();
            var stats = await data.Blocks.Barrier()
                .SelectPartitions((context, blocks) => new[] { PsLogisticWorker.Run(context, blocks, job) }, callerFile, callerLine)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var model = await PsClient.ReadModelAsync(ranges, shards).ConfigureAwait(false);
            var seconds = clock.Elapsed.TotalSeconds;

            var objective = new BlockObjective(data.Blocks, d + 1, Contributions.BinaryLogistic(Kernels, d),
                new L2Regularization(RegParam, RegularizedKeys.Below(d)), 2, null);
            var value = (await objective.EvaluateAsync(model, cancellationToken).ConfigureAwait(false)).Value;
            var clocks = MaxTime is null || stats.Count == 0 ? Iterations : stats.Min(s => s.Clocks);
            var summary = new PsTrainingSummary(ParameterServer.Consistency.Parse(Consistency).ToString(), value, clocks, seconds,
                [.. stats.OrderBy(s => s.Worker)]);
            return (new LogisticRegressionModel(classes.Labels, d, model[..d], [model[d]]), summary);
        }
        finally
        {
            ShardDirectory.Remove(runId);
            if (created is not null)
            {
                await created.RemoveAsync(runId, shardCount).ConfigureAwait(false);
            }

            await data.Blocks.UnpersistAsync().ConfigureAwait(false);
        }
    }

    private UpdaterSpec UpdaterSpecFor(int features) => new(Updater, StepSize, Epsilon, RegParam, features);
}

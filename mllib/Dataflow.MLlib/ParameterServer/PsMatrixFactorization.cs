using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Optimization;
using Dataflow.MLlib.Recommendation;
using Dataflow.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// Matrix factorisation by mini-batch SGD on a parameter server: the user and item factor rows live in
/// range-partitioned shards (user u is row key u, item i row key <c>users + i</c>, each row <see cref="Rank"/> scalar
/// keys), one long-running worker per partition of ratings, all started together as a barrier stage, loops pull (only
/// the rows its ratings touch) → squared-error gradient of its mini-batch with the kernel → push → clock, under BSP,
/// SSP or ASP consistency, with the MLlib updaters on the servers. The objective is the driver mode's
/// (<see cref="MatrixFactorization"/>): mean squared error + (λ/2)(‖U‖²_F + ‖V‖²_F).
/// </summary>
/// <remarks>
/// Defaults as logistic regression's PS mode: AdaGrad with step 0.5 and ε 1e-8, batch fraction 1; the start is the
/// seeded one of <see cref="FactorInitialization"/> (the servers hold offsets from it: see
/// <see cref="PsMatrixFactorizationWorker"/>). In local mode the shards are objects in the driver's process; on an
/// Orleans cluster, shard grains on the worker silos (<see cref="ShardHost"/>).
/// </remarks>
/// <example><code>
/// var (model, summary) = await new PsMatrixFactorization { Consistency = "ssp:3", Rank = 10, Iterations = 200 }
///     .FitAsync(ratings.Repartition(4), ct);
/// </code></example>
public sealed class PsMatrixFactorization
{
    /// <summary><c>bsp</c> (default), <c>ssp:S</c> or <c>asp</c>.</summary>
    public string Consistency { get; set; } = "bsp";

    /// <summary>Shards; null (default) for one per worker.</summary>
    public int? Shards { get; set; }

    /// <summary>Values per factor row. Default 10.</summary>
    public int Rank { get; set; } = 10;

    /// <summary><c>adagrad</c> (default) or <c>sgd</c> (η/√t).</summary>
    public string Updater { get; set; } = "adagrad";

    /// <summary>The step η. Default 0.5.</summary>
    public double StepSize { get; set; } = AdaGradUpdater.DefaultStep;

    /// <summary>AdaGrad's ε. Default 1e-8.</summary>
    public double Epsilon { get; set; } = AdaGradUpdater.DefaultEpsilon;

    /// <summary>Share of a worker's ratings in each clock's mini-batch, in (0, 1]. Default 1.</summary>
    public double MiniBatchFraction { get; set; } = 1.0;

    /// <summary>λ of the Frobenius penalty on both factor matrices. Default 1e-4.</summary>
    public double RegParam { get; set; } = 1e-4;

    /// <summary>Clocks (<c>Clock()</c> calls per worker). Default 100.</summary>
    public int Iterations { get; set; } = 100;

    /// <summary>Seed of the starting factors and the mini-batch sampling. Default 42.</summary>
    public long Seed { get; set; } = 42;

    /// <summary>Scale of the seeded starting factors (<see cref="FactorInitialization"/>). Default 0.1.</summary>
    public double InitScale { get; set; } = FactorInitialization.DefaultScale;

    /// <summary>Users; null (default) for the largest user id + 1.</summary>
    public int? Users { get; set; }

    /// <summary>Items; null (default) for the largest item id + 1.</summary>
    public int? Items { get; set; }

    /// <summary>The starting model; null (default) for the seeded one.</summary>
    public MatrixFactorizationModel? Start { get; set; }

    /// <summary>Write a snapshot every this many clocks (0, the default: none); needs <see cref="SnapshotDirectory"/>.
    /// A snapshot holds offsets from the start (add them to it: <see cref="MatrixFactorizationModel.Plus"/>).</summary>
    public int SnapshotEvery { get; set; }

    /// <summary>Where snapshots go.</summary>
    public string? SnapshotDirectory { get; set; }

    /// <summary>Keep every snapshot (default false: only the last two per shard).</summary>
    public bool KeepSnapshots { get; set; }

    /// <summary>Snapshots at the slowest clocks k ≡ this (mod <see cref="SnapshotEvery"/>); default 0, the multiples (<see cref="ShardSettings.SnapshotOffset"/>).</summary>
    public int SnapshotOffset { get; set; }

    /// <summary>
    /// Where the shards live; null (the default) takes <see cref="ShardHosts.For"/> of the ratings' context: in-process
    /// shards in local mode, the shard grains of <c>Dataflow.MLlib.Cluster</c> (which the application then references) on
    /// an Orleans cluster. See <see cref="PsLogisticRegression.ShardHost"/>.
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

        if (!double.IsFinite(RegParam) || RegParam < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RegParam), RegParam, "RegParam (λ) must be a finite number ≥ 0.");
        }

        if (!(InitScale >= 0) || !double.IsFinite(InitScale))
        {
            throw new ArgumentOutOfRangeException(nameof(InitScale), InitScale, "InitScale must be a finite number ≥ 0.");
        }

        if (Users is < 1 || Items is < 1)
        {
            throw new ArgumentOutOfRangeException(Users is < 1 ? nameof(Users) : nameof(Items), "Users and Items must be 1 or more when given.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Rank, 1, nameof(Rank));
        ArgumentOutOfRangeException.ThrowIfNegative(Iterations, nameof(Iterations));
        new ShardSettings(1, Consistency, UpdaterSpec(), SnapshotEvery: SnapshotEvery, SnapshotDirectory: SnapshotDirectory, SnapshotOffset: SnapshotOffset).Validate();
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

    /// <summary>Trains on <paramref name="ratings"/>, one worker per partition.</summary>
    /// <exception cref="ArgumentException">No ratings, more factor values than keys can number, or a start of another shape.</exception>
    public async Task<(MatrixFactorizationModel Model, PsTrainingSummary Summary)> FitAsync(Rdd<Rating> ratings, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        Validate();
        var data = await RatingData.PackAsync(ratings, Users ?? Start?.Users, Items ?? Start?.Items, StorageLevel.MemoryAndDisk, cancellationToken).ConfigureAwait(false);
        var runId = Guid.NewGuid().ToString("N");
        IShardHost? created = null;
        var shardCount = 0;
        try
        {
            var keys = ((long)data.Users + data.Items) * Rank;
            if (keys > int.MaxValue)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{data.Users} users and {data.Items} items of rank {Rank} are {keys} factor values, more than the parameter server's keys can number."), nameof(ratings));
            }

            var start = MatrixFactorization.CheckStart(Start, data, Rank) ?? FactorInitialization.Create(data.Users, data.Items, Rank, data.Touched, Seed, InitScale);
            var workers = data.Blocks.NumPartitions;
            var ranges = new KeyRanges((int)keys, Math.Min(Shards ?? workers, (int)keys));
            // Dense rows: a factorisation touches most of its rows.
            var settings = new ShardSettings(workers, Consistency, UpdaterSpec(), Sparse: false, SnapshotEvery, SnapshotDirectory, KeepSnapshots, SnapshotOffset);
            IReadOnlyList<IParameterShard> shards;
            if ((ShardHost ?? ShardHosts.For(ratings.Context)) is { } host)
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
            var job = new PsMatrixFactorizationJob(runId, data.Users, data.Items, Rank, data.Ratings, ranges.Shards, Iterations, MiniBatchFraction, RegParam, Seed,
                InitScale, Start is null ? null : start.Factors.ToArray(), Consistency, SnapshotEvery > 0 ? SnapshotDirectory : null, Kernels, [.. Slowdowns], settings);
            Logger.LogInformation("PS matrix factorisation: {Workers} workers, {Shards} shards, {Users} users, {Items} items, rank {Rank}, {Consistency}, {Clocks} clocks",
                workers, ranges.Shards, data.Users, data.Items, Rank, Consistency, Iterations);

            var clock = Stopwatch.StartNew();
            var stats = await data.Blocks.Barrier()
                .SelectPartitions((context, blocks) => new[] { PsMatrixFactorizationWorker.Run(context, blocks, job) }, callerFile, callerLine)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var offsets = await PsClient.ReadModelAsync(ranges, shards).ConfigureAwait(false);
            var seconds = clock.Elapsed.TotalSeconds;

            var model = start.Plus(offsets);
            var objective = await model.ObjectiveAsync(ratings, RegParam, cancellationToken).ConfigureAwait(false);
            var summary = new PsTrainingSummary(ParameterServer.Consistency.Parse(Consistency).ToString(), objective, Iterations, seconds,
                [.. stats.OrderBy(s => s.Worker)]);
            return (model, summary);
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

    // The servers' updater: λ = 0, since the servers hold offsets from the start and the workers add λ·X themselves.
    private UpdaterSpec UpdaterSpec() => new(Updater, StepSize, Epsilon, 0, 0);
}

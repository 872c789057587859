using System.Diagnostics;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Optimization;
using Dataflow.MLlib.Training;
using Dataflow.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dataflow.MLlib.Recommendation;

/// <summary>
/// Matrix factorisation by mini-batch SGD in driver (BSP) mode: every iteration broadcasts both factor matrices from
/// the driver, each partition computes the squared-error gradient of its ratings with the kernels, the partial
/// gradients (as large as the model) are tree-aggregated to the driver, and the driver steps the updater. The
/// objective is mean squared error over the ratings + (λ/2)(‖U‖²_F + ‖V‖²_F).
/// </summary>
/// <remarks>
/// <para>This is the mode in which the whole model moves through the driver twice per iteration, the cost the
/// parameter-server mode (<see cref="ParameterServer.PsMatrixFactorization"/>) avoids; with the same settings both
/// minimise the same objective from the same start (<see cref="FactorInitialization"/>).</para>
/// <para>Defaults are the parameter-server mode's: AdaGrad with step 0.5 and ε 1e-8, batch fraction 1, λ 1e-4, rank 10.</para>
/// </remarks>
/// <example><code>
/// var (model, summary) = await new MatrixFactorization { Rank = 10, Iterations = 200 }.FitAsync(ratings, ct);
/// </code></example>
public sealed class MatrixFactorization
{
    /// <summary>Values per factor row. Default 10.</summary>
    public int Rank { get; set; } = 10;

    /// <summary>λ of the Frobenius penalty on both factor matrices. Default 1e-4.</summary>
    public double RegParam { get; set; } = 1e-4;

    /// <summary>SGD iterations. Default 100.</summary>
    public int Iterations { get; set; } = 100;

    /// <summary><c>adagrad</c> (default) or <c>sgd</c> (η/√t).</summary>
    public string Updater { get; set; } = "adagrad";

    /// <summary>The step η. Default 0.5.</summary>
    public double StepSize { get; set; } = AdaGradUpdater.DefaultStep;

    /// <summary>AdaGrad's ε. Default 1e-8.</summary>
    public double Epsilon { get; set; } = AdaGradUpdater.DefaultEpsilon;

    /// <summary>Share of the ratings in each iteration's mini-batch, in (0, 1]. Default 1.</summary>
    public double MiniBatchFraction { get; set; } = 1.0;

    /// <summary>Seed of the starting factors and the mini-batches. Default 42.</summary>
    public long Seed { get; set; } = 42;

    /// <summary>Scale of the seeded starting factors (<see cref="FactorInitialization"/>). Default 0.1.</summary>
    public double InitScale { get; set; } = FactorInitialization.DefaultScale;

    /// <summary>Users; null (default) for the largest user id + 1.</summary>
    public int? Users { get; set; }

    /// <summary>Items; null (default) for the largest item id + 1.</summary>
    public int? Items { get; set; }

    /// <summary>The starting model; null (default) for the seeded one.</summary>
    public MatrixFactorizationModel? Start { get; set; }

    /// <summary>Tree-aggregation depth. Default 2.</summary>
    public int AggregationDepth { get; set; } = 2;

    /// <summary>The per-block kernels. Default the managed SIMD kernels.</summary>
    public IBlockKernels Kernels { get; set; } = new SimdKernels();

    /// <summary>Where progress and warnings go.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Checks the settings, throwing an <see cref="ArgumentException"/> naming the one that is wrong.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Rank, 1, nameof(Rank));
        ArgumentOutOfRangeException.ThrowIfNegative(Iterations, nameof(Iterations));
        ArgumentOutOfRangeException.ThrowIfLessThan(AggregationDepth, 1, nameof(AggregationDepth));
        if (!(MiniBatchFraction > 0 && MiniBatchFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MiniBatchFraction), MiniBatchFraction, "MiniBatchFraction must be in (0, 1].");
        }

        if (!(InitScale >= 0) || !double.IsFinite(InitScale))
        {
            throw new ArgumentOutOfRangeException(nameof(InitScale), InitScale, "InitScale must be a finite number ≥ 0.");
        }

        if (Users is < 1 || Items is < 1)
        {
            throw new ArgumentOutOfRangeException(Users is < 1 ? nameof(Users) : nameof(Items), "Users and Items must be 1 or more when given.");
        }

        _ = BuildUpdater();
        ArgumentNullException.ThrowIfNull(Kernels, nameof(Kernels));
        ArgumentNullException.ThrowIfNull(Logger, nameof(Logger));
    }

    /// <summary>Trains on <paramref name="ratings"/>, one task per partition each iteration.</summary>
    /// <exception cref="ArgumentException">No ratings, or a start of another shape.</exception>
    public async Task<(MatrixFactorizationModel Model, TrainingSummary Summary)> FitAsync(Rdd<Rating> ratings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        Validate();
        var data = await RatingData.PackAsync(ratings, Users ?? Start?.Users, Items ?? Start?.Items, StorageLevel.MemoryAndDisk, cancellationToken).ConfigureAwait(false);
        try
        {
            var start = CheckStart(Start, data, Rank) ?? FactorInitialization.Create(data.Users, data.Items, Rank, data.Touched, Seed, InitScale);
            var dimension = start.Factors.Length;
            var (users, rank, kernels) = (data.Users, Rank, Kernels);
            BlockContribution contribution = (block, model, sums, rows) =>
                sums[dimension] += kernels.MatrixFactorization(block, users, rank, model, sums.AsSpan(0, dimension), rows);
            await using var recorder = new IterationRecorder(data.Blocks.Context);
            var objective = new BlockObjective(data.Blocks, dimension, contribution, new L2Regularization(RegParam, RegularizedKeys.All), AggregationDepth, recorder);
            var sgd = new MiniBatchGradientDescent
            {
                Updater = BuildUpdater(),
                MaxIterations = Iterations,
                Tolerance = 0,
                MiniBatchFraction = MiniBatchFraction,
                Seed = Seed,
                Logger = Logger,
            };
            Logger.LogInformation("Driver-mode matrix factorisation: {Users} users, {Items} items, rank {Rank}, {Ratings} ratings, {Partitions} partitions",
                data.Users, data.Items, Rank, data.Ratings, data.Blocks.NumPartitions);
            var clock = Stopwatch.StartNew();
            var result = await sgd.MinimizeAsync(objective, start.Factors.ToArray(), record => recorder.EndIteration(record.Iteration, record.Value), cancellationToken)
                .ConfigureAwait(false);
            var final = (await objective.EvaluateAsync(result.Point, cancellationToken).ConfigureAwait(false)).Value;
            var seconds = clock.Elapsed.TotalSeconds;
            var timings = await recorder.CompleteAsync().ConfigureAwait(false);
            return (new MatrixFactorizationModel(data.Users, data.Items, Rank, result.Point),
                new TrainingSummary(result.Status, result.Message, final, timings, objective.Passes, seconds));
        }
        finally
        {
            await data.Blocks.UnpersistAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The given start, checked against the data's shape, or null.</summary>
    internal static MatrixFactorizationModel? CheckStart(MatrixFactorizationModel? start, RatingData data, int rank)
    {
        if (start is not null && (start.Users != data.Users || start.Items != data.Items || start.Rank != rank))
        {
            throw new ArgumentException(
                $"The start model has {start.Users} users, {start.Items} items and rank {start.Rank}; the data needs {data.Users}, {data.Items} and rank {rank}.");
        }

        return start;
    }

    private IUpdater BuildUpdater()
    {
        var l2 = new L2Regularization(RegParam, RegularizedKeys.All);
        return Updater.ToLowerInvariant() switch
        {
            "adagrad" => new AdaGradUpdater(new ConstantStepSchedule(StepSize), Epsilon, l2),
            "sgd" => new SgdUpdater(new InverseSqrtStepSchedule(StepSize), l2),
            _ => throw new ArgumentException($"The updater must be sgd or adagrad, got '{Updater}'.", nameof(Updater)),
        };
    }
}

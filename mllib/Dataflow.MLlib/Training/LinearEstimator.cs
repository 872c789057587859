using System.Diagnostics;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Optimization;
using Dataflow.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dataflow.MLlib.Training;

/// <summary>
/// The settings and the training loop that the gradient-trained linear models share (logistic and linear
/// regression): plain properties with Spark's defaults, and driver-mode training in which every objective evaluation
/// is one engine job over the cached blocks (<see cref="BlockObjective"/>).
/// </summary>
/// <remarks>
/// The objective is the mean loss over the n training rows plus (λ/2)‖W‖² over the weights; intercepts are never
/// penalised. L-BFGS and mini-batch SGD never throw for the optimisation going badly: the iteration limit or a failed
/// line search ends training with the best point and a warning through <see cref="Logger"/>.
/// </remarks>
public abstract class LinearEstimator
{
    /// <summary>λ, the L2 regularisation strength (≥ 0). Default 0, as Spark.</summary>
    /// <remarks>Spark: regParam (with elasticNetParam = 0)</remarks>
    public double RegParam { get; set; }

    /// <summary>Optimizer iterations at most. Default 100, as Spark.</summary>
    /// <remarks>Spark: maxIter</remarks>
    public int MaxIterations { get; set; } = 100;

    /// <summary>Stop when the relative change of the objective is at most this. Default 1e-6, as Spark.</summary>
    /// <remarks>Spark: tol</remarks>
    public double Tolerance { get; set; } = 1e-6;

    /// <summary>The optimizer. Default L-BFGS.</summary>
    public TrainingOptimizer Optimizer { get; set; } = TrainingOptimizer.Lbfgs;

    /// <summary>L-BFGS curvature pairs kept. Default 10, as Spark.</summary>
    public int LbfgsMemory { get; set; } = 10;

    /// <summary>SGD: the step size of the first update. Default 1, as Spark's <c>GradientDescent</c>.</summary>
    /// <remarks>Spark: stepSize</remarks>
    public double StepSize { get; set; } = 1.0;

    /// <summary>SGD: the share of rows sampled (inside the partitions) into each mini-batch, in (0, 1]. Default 1.</summary>
    /// <remarks>Spark: miniBatchFraction</remarks>
    public double MiniBatchFraction { get; set; } = 1.0;

    /// <summary>
    /// SGD: the step decay. Null (the default) is Spark's η/√t; a value d ≥ 0 gives η / (1 + d·(t − 1)), so 0 is a
    /// constant step.
    /// </summary>
    public double? StepDecay { get; set; }

    /// <summary>SGD: the seed of the mini-batch sampling. Default 42.</summary>
    public long Seed { get; set; } = 42;

    /// <summary>
    /// The SGD updater; null (the default) is plain SGD with <see cref="StepSize"/>/√t (or <see cref="StepDecay"/>) and
    /// the L2 penalty <see cref="RegParam"/>. A given updater (e.g. AdaGrad, the parameter-server mode's default) brings
    /// its own regularisation: <c>new L2Regularization(RegParam, RegularizedKeys.Below(d))</c> gives the estimator's.
    /// </summary>
    public IUpdater? Updater { get; set; }

    /// <summary>Tree-aggregation depth of each pass. Default 2, as Spark.</summary>
    /// <remarks>Spark: aggregationDepth</remarks>
    public int AggregationDepth { get; set; } = 2;

    /// <summary>
    /// Where the per-block kernels run: <c>auto</c>, <c>gpu</c>, <c>cpu</c> or <c>ilgpu-cpu</c> (see
    /// <see cref="BlockKernels.Create(KernelDevice, Microsoft.Extensions.Logging.ILogger?)"/>). Default null: the context's
    /// <c>Dataflow:ML:Device</c> (<c>--device</c>; itself <c>auto</c> by default). Fitting with <c>gpu</c> where ILGPU
    /// finds no CUDA device throws <see cref="DeviceNotFoundException"/> before any job runs.
    /// </summary>
    public KernelDevice? Device { get; set; }

    /// <summary>
    /// The per-block kernels run in the tasks, overriding <see cref="Device"/> when set. Default null: an
    /// <see cref="ExecutorKernels"/> for <see cref="Device"/>, created once per executor.
    /// </summary>
    public IBlockKernels? Kernels { get; set; }

    /// <summary>How the packed training blocks are cached during training. Default memory and disk.</summary>
    public StorageLevel StorageLevel { get; set; } = StorageLevel.MemoryAndDisk;

    /// <summary>
    /// Stop training after the first iteration that ends this long after the optimizer started (the summary's status is
    /// <see cref="OptimizationStatus.TimeLimit"/>). Default null: no limit.
    /// </summary>
    public TimeSpan? MaxTime { get; set; }

    /// <summary>
    /// Told of each optimizer iteration as it ends, on the training's flow (SGD: iteration t's mini-batch objective at
    /// the weights before update t; L-BFGS: the objective after iteration t, iteration 0 the start). Default null.
    /// </summary>
    public IProgress<IterationRecord>? Progress { get; set; }

    /// <summary>Where progress, the stop and warnings go.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>
    /// Checks the settings (fitting does too), throwing an <see cref="ArgumentException"/> that names the one that is
    /// wrong.
    /// </summary>
    public void Validate()
    {
        if (!double.IsFinite(RegParam) || RegParam < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RegParam), RegParam, "RegParam (λ) must be a finite number ≥ 0.");
        }

        if (MaxIterations < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "MaxIterations must be 0 or more.");
        }

        if (!(Tolerance >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "Tolerance must be a number ≥ 0.");
        }

        if (!(StepSize > 0) || !double.IsFinite(StepSize))
        {
            throw new ArgumentOutOfRangeException(nameof(StepSize), StepSize, "StepSize must be a finite number > 0.");
        }

        if (!(MiniBatchFraction > 0 && MiniBatchFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MiniBatchFraction), MiniBatchFraction, "MiniBatchFraction must be in (0, 1].");
        }

        if (StepDecay is { } decay && !(decay >= 0 && double.IsFinite(decay)))
        {
            throw new ArgumentOutOfRangeException(nameof(StepDecay), decay, "StepDecay must be a finite number ≥ 0, or null for η/√t.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(AggregationDepth, 1, nameof(AggregationDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(LbfgsMemory, 1, nameof(LbfgsMemory));
        if (Device is { } device && !Enum.IsDefined(device))
            throw new ArgumentOutOfRangeException(nameof(Device), device, $"Unknown kernel device; use one of {BlockKernels.DeviceNames}.");
        if (MaxTime is { } limit && limit < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(MaxTime), limit, "MaxTime must be zero or more, or null for no limit.");
        ArgumentNullException.ThrowIfNull(StorageLevel, nameof(StorageLevel));
        ArgumentNullException.ThrowIfNull(Logger, nameof(Logger));
    }

    /// <summary>
    /// Minimises the mean of <paramref name="contribution"/>'s loss over <paramref name="data"/> plus the L2 penalty
    /// on <paramref name="regularized"/>, from <paramref name="initial"/>, with the configured optimizer.
    /// </summary>
    private protected async Task<(double[] Point, TrainingSummary Summary)> MinimizeAsync(TrainingData data, BlockContribution contribution,
        RegularizedKeys regularized, double[] initial, CancellationToken cancellationToken)
    {
        var l2 = new L2Regularization(RegParam, regularized);
        await using var recorder = new IterationRecorder(data.Blocks.Context);
        var objective = new BlockObjective(data.Blocks, initial.Length, contribution, l2, AggregationDepth, recorder);
        var clock = Stopwatch.StartNew();
        void OnIteration(IterationRecord record)
        {
            recorder.EndIteration(record.Iteration, record.Value);
            Progress?.Report(record);
        }

        OptimizationResult result;
        double final;
        if (Optimizer == TrainingOptimizer.Lbfgs)
        {
            var lbfgs = new Lbfgs { Memory = LbfgsMemory, MaxIterations = MaxIterations, Tolerance = Tolerance, MaxTime = MaxTime, Logger = Logger };
            result = await lbfgs.MinimizeAsync(objective, initial, OnIteration, cancellationToken).ConfigureAwait(false);
            final = result.Value;
        }
        else
        {
            IStepSchedule schedule = StepDecay is { } decay ? new InverseTimeStepSchedule(StepSize, decay) : new InverseSqrtStepSchedule(StepSize);
            var sgd = new MiniBatchGradientDescent
            {
                Updater = Updater ?? new SgdUpdater(schedule, l2),
                MaxIterations = MaxIterations,
                Tolerance = Tolerance,
                MiniBatchFraction = MiniBatchFraction,
                Seed = Seed,
                MaxTime = MaxTime,
                Logger = Logger,
            };
            result = await sgd.MinimizeAsync(objective, initial, OnIteration, cancellationToken).ConfigureAwait(false);

            // SGD's history holds mini-batch objectives one update behind; report the full objective at the result.
            final = (await objective.EvaluateAsync(result.Point, cancellationToken).ConfigureAwait(false)).Value;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var timings = await recorder.CompleteAsync().ConfigureAwait(false);
        return (result.Point, new TrainingSummary(result.Status, result.Message, final, timings, objective.Passes, seconds));
    }
}

using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dataflow.MLlib.Optimization;

/// <summary>
/// Mini-batch stochastic gradient descent: iteration t (from 1) asks the function for the mean loss and gradient of
/// the mini-batch <see cref="MiniBatch.For"/>(<see cref="Seed"/>, t, <see cref="MiniBatchFraction"/>) at the current
/// weights and lets the <see cref="Updater"/> step them as update t. Settings are plain properties.
/// </summary>
/// <remarks>
/// <para>The objective recorded for iteration t is the batch's mean loss plus the updater's L2 penalty, at the weights
/// before the update (Spark's loss history). Stops after <see cref="MaxIterations"/> or when the
/// <see cref="Convergence"/> criterion is at most <see cref="Tolerance"/>: the relative change of that objective (as
/// L-BFGS: |f_prev − f| / max(|f|, 1e-8)), or of the weights (Spark's <c>convergenceTol</c>).</para>
/// <para>An empty batch is skipped with a warning (no record, as Spark); a non-finite batch value or gradient stops the
/// run with <see cref="OptimizationStatus.NonFiniteValue"/> and the weights before it (lower the step size). Neither
/// throws.</para>
/// <para>Spark: GradientDescent.runMiniBatchSGD.</para>
/// </remarks>
public sealed class MiniBatchGradientDescent
{
    /// <summary>The updater; default plain SGD with step 1/√t, as Spark's <c>GradientDescent</c>.</summary>
    public IUpdater Updater { get; set; } = new SgdUpdater(new InverseSqrtStepSchedule(1.0));

    /// <summary>Iterations at most. Default 100.</summary>
    public int MaxIterations { get; set; } = 100;

    /// <summary>Stop when the <see cref="Convergence"/> criterion is at most this. Default 1e-6.</summary>
    public double Tolerance { get; set; } = 1e-6;

    /// <summary>What the tolerance is compared with. Default the objective's relative change.</summary>
    public ConvergenceCriterion Convergence { get; set; } = ConvergenceCriterion.Objective;

    /// <summary>The share of rows in each mini-batch, in (0, 1]. Default 1 (full batches).</summary>
    public double MiniBatchFraction { get; set; } = 1.0;

    /// <summary>The run's seed, from which each iteration's batch seed is derived. Default 42.</summary>
    public long Seed { get; set; } = 42;

    /// <summary>
    /// Stop after the first iteration that ends this long after the run started (status
    /// <see cref="OptimizationStatus.TimeLimit"/>), measured with <see cref="Time"/>. Default null: no limit.
    /// </summary>
    public TimeSpan? MaxTime { get; set; }

    /// <summary>The clock <see cref="MaxTime"/> is measured with. Default the system clock.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Where the stop and skipped batches are reported.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>
    /// Minimises <paramref name="function"/> from <paramref name="initial"/>; <paramref name="onIteration"/> is called
    /// after each recorded iteration.
    /// </summary>
    public async Task<OptimizationResult> MinimizeAsync(IStochasticDifferentiableFunction function, ReadOnlyMemory<double> initial,
        Action<IterationRecord>? onIteration = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        Validate();
        if (initial.Length != function.Dimension)
        {
            throw new ArgumentException(
                $"The initial point has {initial.Length} coordinates but the function has dimension {function.Dimension}.", nameof(initial));
        }

        var updater = Updater;
        var weights = initial.ToArray();
        var state = new double[weights.Length * updater.StatePerEntry];
        var previousWeights = Convergence == ConvergenceCriterion.Weights ? new double[weights.Length] : null;
        var history = new List<IterationRecord>();
        var value = double.NaN;
        var fullGradient = new double[weights.Length];
        var started = Time.GetTimestamp();
        for (var t = 1; t <= MaxIterations; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = MiniBatch.For(Seed, t, MiniBatchFraction);
            var evaluation = await function.EvaluateAsync(weights, batch, cancellationToken);
            var gradient = CheckGradient(function, evaluation);
            if (evaluation.Count == 0)
            {
                Logger.LogWarning("Mini-batch SGD iteration {Iteration}: the batch (fraction {Fraction}) is empty; iteration skipped.",
                    t, MiniBatchFraction);
                continue;
            }

            var objective = evaluation.Loss + updater.Regularization.Penalty(weights);
            if (!double.IsFinite(objective) || !DenseMath.AllFinite(gradient))
            {
                return Stop(OptimizationStatus.NonFiniteValue, weights, value, fullGradient, history, LogLevel.Warning,
                    $"Mini-batch SGD stopped at iteration {t}: the batch objective is {Format(objective)} or its gradient is not finite; " +
                    "kept the weights before it. Lower the step size");
            }

            fullGradient = (double[])gradient.Clone();
            updater.Regularization.AddGradient(weights, fullGradient);
            if (previousWeights is not null)
            {
                weights.AsSpan().CopyTo(previousWeights);
            }

            updater.Update(weights, state, gradient, 0, t);

            var previousValue = value;
            value = objective;
            var record = new IterationRecord(t, objective, DenseMath.Norm(fullGradient), 1, updater.Schedule.StepSize(t));
            history.Add(record);
            onIteration?.Invoke(record);

            if (previousWeights is not null)
            {
                var change = WeightChange(previousWeights, weights);
                if (change <= Tolerance * Math.Max(DenseMath.Norm(weights), 1))
                {
                    return Stop(OptimizationStatus.WeightsConverged, weights, value, fullGradient, history, LogLevel.Debug,
                        $"Mini-batch SGD converged after {t} iterations: the update moved the weights by {Format(change)}");
                }
            }
            else if (history.Count > 1 && Lbfgs.RelativeChange(previousValue, value) <= Tolerance)
            {
                return Stop(OptimizationStatus.FunctionValuesConverged, weights, value, fullGradient, history, LogLevel.Debug,
                    $"Mini-batch SGD converged after {t} iterations: relative objective change " +
                    $"{Format(Lbfgs.RelativeChange(previousValue, value))} ≤ {Format(Tolerance)}");
            }

            if (MaxTime is { } limit && t < MaxIterations && Time.GetElapsedTime(started) >= limit)
            {
                return Stop(OptimizationStatus.TimeLimit, weights, value, fullGradient, history, LogLevel.Information,
                    $"Mini-batch SGD stopped after {t} iterations: the time limit ({Format(limit.TotalSeconds)} s) was reached; last objective {Format(value)}");
            }
        }

        return Stop(OptimizationStatus.MaxIterations, weights, value, fullGradient, history, LogLevel.Warning,
            $"Mini-batch SGD reached the iteration limit ({MaxIterations}) before converging: last objective {Format(value)}. " +
            "Raise MaxIterations or Tolerance, or the step size");
    }

    private static double[] CheckGradient(IStochasticDifferentiableFunction function, MiniBatchValue evaluation)
    {
        var gradient = evaluation.Gradient ??
            throw new InvalidOperationException($"{function.GetType().Name}.EvaluateAsync returned no gradient.");
        return gradient.Length == function.Dimension
            ? gradient
            : throw new InvalidOperationException(
                $"{function.GetType().Name}.EvaluateAsync returned a gradient of {gradient.Length} entries for dimension {function.Dimension}.");
    }

    private static double WeightChange(double[] before, double[] after)
    {
        var diff = new double[before.Length];
        for (var i = 0; i < diff.Length; i++)
        {
            diff[i] = after[i] - before[i];
        }

        return DenseMath.Norm(diff);
    }

    private OptimizationResult Stop(OptimizationStatus status, double[] weights, double value, double[] gradient,
        List<IterationRecord> history, LogLevel level, string message)
    {
        Logger.Log(level, "{Message}", message);
        return new OptimizationResult(weights, value, gradient, status, message, history);
    }

    private void Validate()
    {
        ArgumentNullException.ThrowIfNull(Updater, nameof(Updater));
        ArgumentNullException.ThrowIfNull(Logger, nameof(Logger));
        ArgumentNullException.ThrowIfNull(Time, nameof(Time));
        if (MaxTime is { } limit && limit < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTime), limit, "MaxTime must be zero or more, or null for no limit.");
        }

        if (MaxIterations < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "MaxIterations must be 0 or more.");
        }

        if (!(Tolerance >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "Tolerance must be a number ≥ 0.");
        }

        if (!(MiniBatchFraction > 0 && MiniBatchFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MiniBatchFraction), MiniBatchFraction,
                "The mini-batch fraction must be in (0, 1]; 1 uses every row.");
        }
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}

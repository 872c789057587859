using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dataflow.MLlib.Optimization;

/// <summary>
/// Limited-memory BFGS over an asynchronous <see cref="IDifferentiableFunction"/>: each iteration computes the
/// quasi-Newton direction from the last <see cref="Memory"/> curvature pairs, then a strong Wolfe line search along it
/// (one or more evaluations, each one engine job in driver mode). Settings are plain properties with Spark's defaults.
/// </summary>
/// <remarks>
/// <para>Stops when, after an iteration, the relative change of the objective |f_prev − f| / max(|f|, 1e-8) is at most
/// <see cref="Tolerance"/> (Spark/Breeze semantics), when ‖∇f‖₂ ≤ <see cref="GradientTolerance"/> · max(1, |f|), or
/// after <see cref="MaxIterations"/> iterations.</para>
/// <para>Never throws for the optimisation going badly: reaching the iteration limit, a line search that finds no
/// decrease (even along the steepest descent with the memory dropped) and a non-finite objective at the start end the
/// run with the best point seen, a <see cref="OptimizationStatus"/> and a warning through <see cref="Logger"/>. Non-finite
/// values during a line search make it step back. Cancellation throws <see cref="OperationCanceledException"/>.</para>
/// <para>The first step (and the first after the memory is dropped) is scaled to length min(‖∇f‖, 1), later ones start at
/// α = 1, which L-BFGS's scaling γ = s·y / y·y makes the usual accepted step; curvature pairs with s·y ≤ 0 are skipped,
/// which keeps the approximation positive definite on ill-conditioned and non-convex problems.</para>
/// <para>Spark: LBFGS (Breeze's, through <c>ml.optim</c>).</para>
/// </remarks>
/// <example><code>
/// var result = await new Lbfgs { MaxIterations = 200, Tolerance = 1e-9 }.MinimizeAsync(objective, initialWeights, ct: ct);
/// if (!result.Converged) logger.LogWarning("{Message}", result.Message);
/// </code></example>
public sealed class Lbfgs
{
    /// <summary>The floor of |f| in the relative objective change, so that an objective near 0 does not divide by 0.</summary>
    public const double ObjectiveFloor = 1e-8;

    // Sufficient-decrease and curvature constants of the strong Wolfe conditions, the usual ones for quasi-Newton methods.
    private const double C1 = 1e-4;
    private const double C2 = 0.9;

    /// <summary>Curvature pairs kept (m). Default 10, as Spark.</summary>
    public int Memory { get; set; } = 10;

    /// <summary>Iterations at most (iteration 0, the starting point, not counted). Default 100, as Spark.</summary>
    public int MaxIterations { get; set; } = 100;

    /// <summary>Stop when the relative change of the objective is at most this. Default 1e-6, as Spark.</summary>
    public double Tolerance { get; set; } = 1e-6;

    /// <summary>Stop when ‖∇f‖₂ ≤ this · max(1, |f|). Default 1e-8.</summary>
    public double GradientTolerance { get; set; } = 1e-8;

    /// <summary>Function evaluations one line search may make (bracketing and zoom together). Default 20.</summary>
    public int MaxLineSearchEvaluations { get; set; } = 20;

    /// <summary>
    /// Stop after the first iteration that ends this long after the run started (status
    /// <see cref="OptimizationStatus.TimeLimit"/>), measured with <see cref="Time"/>. Default null: no limit.
    /// </summary>
    public TimeSpan? MaxTime { get; set; }

    /// <summary>The clock <see cref="MaxTime"/> is measured with. Default the system clock.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Where the stop is reported: a warning for the iteration limit and failures, debug for convergence.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>
    /// Minimises <paramref name="function"/> from <paramref name="initial"/>. <paramref name="onIteration"/> is called
    /// on the caller's flow after each iteration (iteration 0 first), so an estimator can attach timings.
    /// </summary>
    public async Task<OptimizationResult> MinimizeAsync(IDifferentiableFunction function, ReadOnlyMemory<double> initial,
        Action<IterationRecord>? onIteration = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        Validate();
        if (initial.Length != function.Dimension)
        {
            throw new ArgumentException(
                $"The initial point has {initial.Length} coordinates but the function has dimension {function.Dimension}.", nameof(initial));
        }

        var history = new List<IterationRecord>();
        void Record(IterationRecord record)
        {
            history.Add(record);
            onIteration?.Invoke(record);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var started = Time.GetTimestamp();
        var x = initial.ToArray();
        var first = await function.EvaluateAsync(x, cancellationToken);
        var gradient = CheckGradient(function, first);
        var value = first.Value;
        var gradientNorm = DenseMath.Norm(gradient);
        Record(new IterationRecord(0, value, gradientNorm, 1, 0));
        if (!double.IsFinite(value) || !DenseMath.AllFinite(gradient))
        {
            return Stop(OptimizationStatus.NonFiniteValue, x, value, gradient, history, LogLevel.Warning,
                $"L-BFGS cannot start: the objective at the starting point is {Format(value)} with gradient norm {Format(gradientNorm)}; " +
                "check the data and the initial point");
        }

        if (GradientConvergedAt(value, gradientNorm))
        {
            return Stop(OptimizationStatus.GradientConverged, x, value, gradient, history, LogLevel.Debug,
                $"L-BFGS: the starting point is optimal (gradient norm {Format(gradientNorm)})");
        }

        var memory = new LbfgsMemory(Memory, x.Length);
        var direction = new double[x.Length];
        var lineSearch = new StrongWolfeLineSearch(C1, C2, MaxLineSearchEvaluations);
        for (var iteration = 1; iteration <= MaxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = new StrongWolfeLineSearch.Trial(0, value, 0, x, gradient, true);
            var evaluations = 0;
            StrongWolfeLineSearch.Result? accepted = null;

            // With the memory first; if that search finds no decrease, the curvature model may be stale: retry along −∇f.
            while (true)
            {
                var slope = Direction(memory, gradient, direction);
                var initialStep = memory.Count == 0 ? Math.Min(1, 1 / DenseMath.Norm(direction)) : 1;
                var search = await lineSearch.SearchAsync(function, start with { Slope = slope }, direction, initialStep, cancellationToken);
                evaluations += search.Evaluations;
                if (search.Outcome != StrongWolfeLineSearch.Outcome.Failed)
                {
                    accepted = search;
                    break;
                }

                if (memory.Count == 0)
                {
                    break;
                }

                memory.Clear();
            }

            if (accepted is null)
            {
                Record(new IterationRecord(iteration, value, gradientNorm, evaluations, 0));
                return Stop(OptimizationStatus.LineSearchFailed, x, value, gradient, history, LogLevel.Warning,
                    $"L-BFGS stopped at iteration {iteration}: the line search found no decrease of the objective even along the " +
                    $"steepest descent; kept the best point (objective {Format(value)}, gradient norm {Format(gradientNorm)}). " +
                    "The gradient may be inconsistent with the objective, or the objective's rounding noise was reached");
            }

            var next = accepted.Trial;
            memory.Push(x, gradient, next.Point, next.Gradient);
            var previous = value;
            (x, value, gradient) = (next.Point, next.Value, next.Gradient);
            gradientNorm = DenseMath.Norm(gradient);
            Record(new IterationRecord(iteration, value, gradientNorm, evaluations, next.Alpha));

            if (GradientConvergedAt(value, gradientNorm))
            {
                return Stop(OptimizationStatus.GradientConverged, x, value, gradient, history, LogLevel.Debug,
                    $"L-BFGS converged after {iteration} iterations: gradient norm {Format(gradientNorm)}");
            }

            var change = RelativeChange(previous, value);
            if (change <= Tolerance)
            {
                return Stop(OptimizationStatus.FunctionValuesConverged, x, value, gradient, history, LogLevel.Debug,
                    $"L-BFGS converged after {iteration} iterations: relative objective change {Format(change)} ≤ {Format(Tolerance)}");
            }

            if (MaxTime is { } limit && iteration < MaxIterations && Time.GetElapsedTime(started) >= limit)
            {
                return Stop(OptimizationStatus.TimeLimit, x, value, gradient, history, LogLevel.Information,
                    $"L-BFGS stopped after {iteration} iterations: the time limit ({Format(limit.TotalSeconds)} s) was reached; objective {Format(value)}");
            }
        }

        return Stop(OptimizationStatus.MaxIterations, x, value, gradient, history, LogLevel.Warning,
            $"L-BFGS reached the iteration limit ({MaxIterations}) before converging: objective {Format(value)}, last relative change " +
            $"{Format(history.Count > 1 ? RelativeChange(history[^2].Value, value) : double.NaN)}, gradient norm {Format(gradientNorm)}; " +
            "kept the best point. Raise MaxIterations or Tolerance");
    }

    /// <summary>|previous − current| / max(|current|, <see cref="ObjectiveFloor"/>).</summary>
    internal static double RelativeChange(double previous, double current) =>
        Math.Abs(previous - current) / Math.Max(Math.Abs(current), ObjectiveFloor);

    /// <summary>The gradient of an evaluation, checked against the function's dimension (a wrong length is a bug in the function).</summary>
    internal static double[] CheckGradient(IDifferentiableFunction function, FunctionValue evaluation)
    {
        var gradient = evaluation.Gradient ??
            throw new InvalidOperationException($"{function.GetType().Name}.EvaluateAsync returned no gradient.");
        return gradient.Length == function.Dimension
            ? gradient
            : throw new InvalidOperationException(
                $"{function.GetType().Name}.EvaluateAsync returned a gradient of {gradient.Length} entries for dimension {function.Dimension}.");
    }

    /// <summary>The L-BFGS direction and its slope; the steepest descent (memory dropped) when that is not a descent direction.</summary>
    private static double Direction(LbfgsMemory memory, double[] gradient, double[] direction)
    {
        memory.Direction(gradient, direction);
        var slope = DenseMath.Dot(gradient, direction);
        if (slope < 0 && double.IsFinite(slope) && DenseMath.AllFinite(direction))
        {
            return slope;
        }

        memory.Clear();
        memory.Direction(gradient, direction);
        return DenseMath.Dot(gradient, direction);
    }

    private bool GradientConvergedAt(double value, double gradientNorm) => gradientNorm <= GradientTolerance * Math.Max(1, Math.Abs(value));

    private OptimizationResult Stop(OptimizationStatus status, double[] x, double value, double[] gradient, List<IterationRecord> history,
        LogLevel level, string message)
    {
        Logger.Log(level, "{Message}", message);
        return new OptimizationResult(x, value, gradient, status, message, history);
    }

    private void Validate()
    {
        ArgumentNullException.ThrowIfNull(Time, nameof(Time));
        if (MaxTime is { } limit && limit < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTime), limit, "MaxTime must be zero or more, or null for no limit.");
        }

        if (Memory < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Memory), Memory, "L-BFGS needs at least one curvature pair (Memory ≥ 1; Spark uses 10).");
        }

        if (MaxIterations < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "MaxIterations must be 0 or more.");
        }

        if (!(Tolerance >= 0) || !(GradientTolerance >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), $"Tolerance ({Format(Tolerance)}) and GradientTolerance " +
                $"({Format(GradientTolerance)}) must be non-negative numbers.");
        }

        if (MaxLineSearchEvaluations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLineSearchEvaluations), MaxLineSearchEvaluations,
                "A line search needs at least one evaluation.");
        }

        ArgumentNullException.ThrowIfNull(Logger, nameof(Logger));
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}

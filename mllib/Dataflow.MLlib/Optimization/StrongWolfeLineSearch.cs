namespace Dataflow.MLlib.Optimization;

/// <summary>
/// A line search for a step satisfying the strong Wolfe conditions, φ(α) ≤ φ(0) + c₁αφ′(0) and |φ′(α)| ≤ c₂|φ′(0)|,
/// by Nocedal &amp; Wright's bracketing phase (Algorithm 3.5) and zoom (Algorithm 3.6) with safeguarded cubic
/// interpolation. Every trial is one function evaluation (one engine job in driver mode), so the budget is counted
/// in evaluations.
/// </summary>
/// <remarks>
/// <para>A trial whose value or gradient is not finite (an overflow, a point outside the domain) is treated as a
/// step too long: it closes the bracket, and the next trial bisects towards the last finite point.</para>
/// <para>When the budget runs out, or the interval collapses, after some trial met the sufficient-decrease condition,
/// the lowest such trial is returned as <see cref="Outcome.SufficientDecrease"/>: it still lowers the objective, and
/// L-BFGS drops the curvature pair if it is unusable. Only when no trial lowered the objective is it a failure.</para>
/// </remarks>
internal sealed class StrongWolfeLineSearch(double c1, double c2, int maxEvaluations)
{
    // Bisect instead of interpolating when the cubic's minimiser is this close (as a share of the interval) to an end.
    private const double InterpolationMargin = 0.1;

    // The bracket is grown by this factor while the slope stays negative and the value keeps falling.
    private const double Expansion = 2;

    // An interval narrower than this, relative to the step, has no representable trial left worth an evaluation.
    private const double CollapsedInterval = 1e-12;

    // About half the float64 machine epsilon: a predicted decrease below this share of |φ(0)| is lost in rounding.
    private const double RoundingShare = 1e-16;

    /// <summary>How a search ended.</summary>
    public enum Outcome
    {
        /// <summary>The step satisfies both strong Wolfe conditions.</summary>
        StrongWolfe,

        /// <summary>The step lowers the objective enough (Armijo) but the curvature condition was not reached in budget.</summary>
        SufficientDecrease,

        /// <summary>No trial lowered the objective; <see cref="Result.Trial"/> is the starting point.</summary>
        Failed,
    }

    /// <summary>Searches along <paramref name="direction"/> (a descent direction: gradient · direction &lt; 0) from <paramref name="start"/>.</summary>
    public async ValueTask<Result> SearchAsync(IDifferentiableFunction function, Trial start, double[] direction, double initialStep,
        CancellationToken cancellationToken)
    {
        var value0 = start.Value;
        var slope0 = start.Slope;
        var evaluations = 0;
        var previous = start;
        var alpha = initialStep;
        Trial lo, hi;

        // Bracketing: grow the step until an interval is known to contain acceptable steps.
        while (true)
        {
            if (evaluations >= maxEvaluations || NoMeasurableDecrease(alpha, start))
            {
                return Finish(previous, start, evaluations);
            }

            var trial = await EvaluateAsync(function, start, direction, alpha, cancellationToken);
            evaluations++;
            if (!trial.IsFinite || trial.Value > value0 + c1 * alpha * slope0 || (previous.Alpha > 0 && trial.Value >= previous.Value))
            {
                (lo, hi) = (previous, trial);
                break;
            }

            if (Math.Abs(trial.Slope) <= -c2 * slope0)
            {
                return new Result(Outcome.StrongWolfe, trial, evaluations);
            }

            if (trial.Slope >= 0)
            {
                (lo, hi) = (trial, previous);
                break;
            }

            previous = trial;
            alpha *= Expansion;
        }

        // Zoom: lo always satisfies sufficient decrease and has the lowest value seen; hi is the other end.
        while (evaluations < maxEvaluations)
        {
            alpha = NextTrial(lo, hi);
            var width = Math.Abs(hi.Alpha - lo.Alpha);
            if (width <= CollapsedInterval * Math.Max(lo.Alpha, hi.Alpha) || (lo.Alpha == 0 && NoMeasurableDecrease(alpha, start)))
            {
                break;
            }

            var trial = await EvaluateAsync(function, start, direction, alpha, cancellationToken);
            evaluations++;
            if (!trial.IsFinite || trial.Value > value0 + c1 * alpha * slope0 || trial.Value >= lo.Value)
            {
                hi = trial;
                continue;
            }

            if (Math.Abs(trial.Slope) <= -c2 * slope0)
            {
                return new Result(Outcome.StrongWolfe, trial, evaluations);
            }

            if (trial.Slope * (hi.Alpha - lo.Alpha) >= 0)
            {
                hi = lo;
            }

            lo = trial;
        }

        return Finish(lo, start, evaluations);
    }

    /// <summary>The point <c>x + α·d</c> evaluated, with the directional derivative there.</summary>
    private static async ValueTask<Trial> EvaluateAsync(IDifferentiableFunction function, Trial start, double[] direction, double alpha,
        CancellationToken cancellationToken)
    {
        var point = new double[direction.Length];
        DenseMath.PointOnLine(point, start.Point, alpha, direction);
        var evaluation = await function.EvaluateAsync(point, cancellationToken);
        var gradient = Lbfgs.CheckGradient(function, evaluation);
        var finite = double.IsFinite(evaluation.Value) && DenseMath.AllFinite(gradient);
        var slope = finite ? DenseMath.Dot(gradient, direction) : double.NaN;
        return new Trial(alpha, evaluation.Value, slope, point, gradient, finite && double.IsFinite(slope));
    }

    /// <summary>
    /// The next trial inside (lo, hi): the minimiser of the cubic through both ends' values and slopes, or the midpoint
    /// when that is not defined, lies too near an end, or an end is not finite.
    /// </summary>
    private static double NextTrial(Trial lo, Trial hi)
    {
        var a = Math.Min(lo.Alpha, hi.Alpha);
        var b = Math.Max(lo.Alpha, hi.Alpha);
        var midpoint = lo.Alpha + 0.5 * (hi.Alpha - lo.Alpha);
        if (!hi.IsFinite)
        {
            return midpoint;
        }

        var d1 = lo.Slope + hi.Slope - 3 * (lo.Value - hi.Value) / (lo.Alpha - hi.Alpha);
        var discriminant = d1 * d1 - lo.Slope * hi.Slope;
        if (!(discriminant >= 0))
        {
            return midpoint;
        }

        var d2 = Math.Sign(hi.Alpha - lo.Alpha) * Math.Sqrt(discriminant);
        var cubic = hi.Alpha - (hi.Alpha - lo.Alpha) * (hi.Slope + d2 - d1) / (hi.Slope - lo.Slope + 2 * d2);
        var margin = InterpolationMargin * (b - a);
        return double.IsFinite(cubic) && cubic >= a + margin && cubic <= b - margin ? cubic : midpoint;
    }

    /// <summary>Whether a step this short can no longer change the objective by more than its rounding.</summary>
    private static bool NoMeasurableDecrease(double alpha, Trial start) =>
        alpha * -start.Slope <= RoundingShare * Math.Abs(start.Value);

    private static Result Finish(Trial best, Trial start, int evaluations) =>
        best.Alpha > 0 ? new Result(Outcome.SufficientDecrease, best, evaluations) : new Result(Outcome.Failed, start, evaluations);

    /// <summary>One evaluated point on the line: the step, the value, the directional derivative, the point and gradient.</summary>
    public sealed record Trial(double Alpha, double Value, double Slope, double[] Point, double[] Gradient, bool IsFinite);

    /// <summary>The accepted trial (or the start, on failure) and the evaluations spent.</summary>
    public sealed record Result(Outcome Outcome, Trial Trial, int Evaluations);
}

using Dataflow.MLlib.Optimization;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.Optimization;

/// <summary>
/// Binary logistic regression on a small random data set: mean log-loss + (λ/2)‖w‖² with an unpenalised intercept
/// (coordinate d), and an independent Newton solver for its optimum.
/// </summary>
internal sealed class LogisticProblem
{
    private readonly double[][] _x;
    private readonly double[] _y;

    public LogisticProblem(int rows, int features, double regParam, int seed)
    {
        var random = new Random(seed);
        var truth = TestProblems.RandomVector(features + 1, random);
        _x = new double[rows][];
        _y = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            // One column on a larger scale, so the problem is not perfectly conditioned.
            _x[r] = [.. Enumerable.Range(0, features).Select(j => (random.NextDouble() * 2 - 1) * (j == 0 ? 10 : 1))];
            var margin = truth[features] + Enumerable.Range(0, features).Sum(j => truth[j] * _x[r][j]);
            _y[r] = random.NextDouble() < 1 / (1 + Math.Exp(-margin)) ? 1 : 0;
        }

        Features = features;
        RegParam = regParam;
    }

    public int Features { get; }

    public double RegParam { get; }

    public int Dimension => Features + 1;

    public double Objective(ReadOnlySpan<double> w, Span<double> gradient)
    {
        var d = Features;
        var loss = 0.0;
        gradient.Clear();
        for (var r = 0; r < _x.Length; r++)
        {
            var m = w[d];
            for (var j = 0; j < d; j++)
            {
                m += w[j] * _x[r][j];
            }

            // log(1 + e^m) − y·m, stably.
            loss += Math.Max(m, 0) + Math.Log(1 + Math.Exp(-Math.Abs(m))) - _y[r] * m;
            var residual = 1 / (1 + Math.Exp(-m)) - _y[r];
            for (var j = 0; j < d; j++)
            {
                gradient[j] += residual * _x[r][j];
            }

            gradient[d] += residual;
        }

        var n = _x.Length;
        var penalty = 0.0;
        for (var j = 0; j <= d; j++)
        {
            gradient[j] /= n;
        }

        for (var j = 0; j < d; j++)
        {
            penalty += w[j] * w[j];
            gradient[j] += RegParam * w[j];
        }

        return loss / n + 0.5 * RegParam * penalty;
    }

    public IDifferentiableFunction AsFunction() => DifferentiableFunction.FromGradient(Dimension, Objective);

    /// <summary>Newton's method with the exact Hessian and a Cholesky solve, until the step is at rounding level.</summary>
    public (double[] Weights, double Objective) SolveByNewton()
    {
        var d = Features;
        var p = Dimension;
        var w = new double[p];
        var gradient = new double[p];
        for (var iteration = 0; iteration < 100; iteration++)
        {
            Objective(w, gradient);
            var h = new double[p, p];
            foreach (var (row, _) in _x.Zip(_y))
            {
                var m = w[d];
                for (var j = 0; j < d; j++)
                {
                    m += w[j] * row[j];
                }

                var s = 1 / (1 + Math.Exp(-m));
                var weight = s * (1 - s) / _x.Length;
                for (var a = 0; a < p; a++)
                {
                    var xa = a < d ? row[a] : 1;
                    for (var b = 0; b < p; b++)
                    {
                        h[a, b] += weight * xa * (b < d ? row[b] : 1);
                    }
                }
            }

            for (var j = 0; j < d; j++)
            {
                h[j, j] += RegParam;
            }

            var step = NewtonSolver.CholeskySolve(h, gradient);
            for (var j = 0; j < p; j++)
            {
                w[j] -= step[j];
            }

            if (step.Max(Math.Abs) < 1e-15)
            {
                break;
            }
        }

        return (w, Objective(w, gradient));
    }
}

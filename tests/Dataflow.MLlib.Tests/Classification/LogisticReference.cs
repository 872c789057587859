using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.Classification;

/// <summary>
/// The logistic objectives written out in float64 (mean log-loss + (λ/2)‖W‖², intercepts unpenalised) with gradient
/// and Hessian, and their optimum by Newton's method: the independent reference of the logistic tests.
/// </summary>
internal static class LogisticReference
{
    /// <summary>Binary, labels mapped to 0/1 by <paramref name="positive"/>; the point is d weights then the intercept.</summary>
    public static (double Value, double[] Gradient, double[,] Hessian) Binary(ReferenceData data, Func<double, bool> positive, double lambda, double[] w)
    {
        var d = data.Features;
        var n = data.Rows;
        var g = new double[d + 1];
        var h = new double[d + 1, d + 1];
        var loss = 0.0;
        for (var r = 0; r < n; r++)
        {
            var x = Augmented(data.X[r]);
            var m = 0.0;
            for (var j = 0; j <= d; j++)
            {
                m += w[j] * x[j];
            }

            var y = positive(data.Y[r]) ? 1.0 : 0.0;
            loss += Math.Max(m, 0) + Math.Log(1 + Math.Exp(-Math.Abs(m))) - y * m;
            var p = 1 / (1 + Math.Exp(-m));
            for (var j = 0; j <= d; j++)
            {
                g[j] += (p - y) * x[j];
                for (var k = 0; k <= d; k++)
                {
                    h[j, k] += p * (1 - p) * x[j] * x[k];
                }
            }
        }

        var value = loss / n;
        for (var j = 0; j <= d; j++)
        {
            g[j] /= n;
            for (var k = 0; k <= d; k++)
            {
                h[j, k] /= n;
            }
        }

        for (var j = 0; j < d; j++)
        {
            value += 0.5 * lambda * w[j] * w[j];
            g[j] += lambda * w[j];
            h[j, j] += lambda;
        }

        return (value, g, h);
    }

    /// <summary>
    /// Softmax over classes 0..K−1 (labels are class indices), reduced to K·(d + 1) − 1 unknowns: class 0's intercept
    /// is fixed at 0, which loses nothing since adding a constant to every intercept leaves the objective unchanged.
    /// The reduced point is the K × d weights (class-major), then intercepts 1..K−1.
    /// </summary>
    public static (double Value, double[] Gradient, double[,] Hessian) Multinomial(ReferenceData data, int k, double lambda, double[] reduced)
    {
        var d = data.Features;
        var n = data.Rows;
        var full = k * (d + 1);
        var w = Expand(reduced, k, d);
        var g = new double[full];
        var h = new double[full, full];
        var loss = 0.0;
        var p = new double[k];
        for (var r = 0; r < n; r++)
        {
            var x = Augmented(data.X[r]);
            for (var c = 0; c < k; c++)
            {
                p[c] = w[k * d + c];
                for (var j = 0; j < d; j++)
                {
                    p[c] += w[c * d + j] * x[j];
                }
            }

            var y = (int)data.Y[r];
            var max = p.Max();
            var logSum = max + Math.Log(p.Sum(m => Math.Exp(m - max)));
            loss += logSum - p[y];
            for (var c = 0; c < k; c++)
            {
                p[c] = Math.Exp(p[c] - logSum);
            }

            for (var c = 0; c < k; c++)
            {
                var residual = p[c] - (c == y ? 1 : 0);
                for (var j = 0; j <= d; j++)
                {
                    g[Index(c, j, k, d)] += residual * x[j];
                }

                for (var c2 = 0; c2 < k; c2++)
                {
                    var curvature = p[c] * ((c == c2 ? 1 : 0) - p[c2]);
                    for (var j = 0; j <= d; j++)
                    {
                        for (var j2 = 0; j2 <= d; j2++)
                        {
                            h[Index(c, j, k, d), Index(c2, j2, k, d)] += curvature * x[j] * x[j2];
                        }
                    }
                }
            }
        }

        var value = loss / n;
        for (var i = 0; i < full; i++)
        {
            g[i] /= n;
            for (var i2 = 0; i2 < full; i2++)
            {
                h[i, i2] /= n;
            }
        }

        for (var i = 0; i < k * d; i++)
        {
            value += 0.5 * lambda * w[i] * w[i];
            g[i] += lambda * w[i];
            h[i, i] += lambda;
        }

        // Drop class 0's intercept (index k·d) from the unknowns.
        var skip = k * d;
        var rg = new double[full - 1];
        var rh = new double[full - 1, full - 1];
        for (int i = 0, ri = 0; i < full; i++)
        {
            if (i == skip)
            {
                continue;
            }

            rg[ri] = g[i];
            for (int i2 = 0, ri2 = 0; i2 < full; i2++)
            {
                if (i2 == skip)
                {
                    continue;
                }

                rh[ri, ri2++] = h[i, i2];
            }

            ri++;
        }

        return (value, rg, rh);
    }

    public static (double[] Point, double Value) SolveBinary(ReferenceData data, Func<double, bool> positive, double lambda) =>
        NewtonSolver.Minimize(w => Binary(data, positive, lambda, w), new double[data.Features + 1]);

    public static (double[] Point, double Value) SolveMultinomial(ReferenceData data, int k, double lambda) =>
        NewtonSolver.Minimize(w => Multinomial(data, k, lambda, w), new double[k * (data.Features + 1) - 1]);

    /// <summary>The reduced point with class 0's intercept (0) put back: K × d weights then K intercepts.</summary>
    public static double[] Expand(double[] reduced, int k, int d) => [.. reduced[..(k * d)], 0, .. reduced[(k * d)..]];

    // Coordinate j of class c in the full layout: weights class-major, then the K intercepts (j == d).
    private static int Index(int c, int j, int k, int d) => j == d ? k * d + c : c * d + j;

    private static double[] Augmented(double[] x) => [.. x, 1.0];
}

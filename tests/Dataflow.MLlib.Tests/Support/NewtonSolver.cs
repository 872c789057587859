namespace Dataflow.MLlib.Tests.Support;

/// <summary>
/// An independent float64 reference optimiser for smooth convex objectives: Newton's method with a Cholesky solve and
/// backtracking, run until the step is below 1e-13 relative. Tests compare the library's optimum with this one's.
/// </summary>
internal static class NewtonSolver
{
    /// <summary>Value, gradient and Hessian at a point.</summary>
    public delegate (double Value, double[] Gradient, double[,] Hessian) Objective(double[] x);

    public static (double[] Point, double Value) Minimize(Objective objective, double[] start, int maxIterations = 100)
    {
        var x = (double[])start.Clone();
        var (value, gradient, hessian) = objective(x);
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var step = CholeskySolve(hessian, gradient);
            var t = 1.0;
            double[] next;
            (double Value, double[] Gradient, double[,] Hessian) at;
            while (true)
            {
                next = [.. x.Select((v, i) => v - t * step[i])];
                at = objective(next);
                if (at.Value <= value || t < 1e-10)
                {
                    break;
                }

                t /= 2;
            }

            var moved = Math.Sqrt(step.Sum(s => s * s)) * t;
            (x, value, gradient, hessian) = (next, at.Value, at.Gradient, at.Hessian);
            if (moved <= 1e-13 * Math.Max(1, Math.Sqrt(x.Sum(v => v * v))))
            {
                break;
            }
        }

        return (x, value);
    }

    /// <summary>Solves a·x = b for a symmetric positive-definite a.</summary>
    public static double[] CholeskySolve(double[,] a, double[] b)
    {
        var n = b.Length;
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = a[i, j];
                for (var k = 0; k < j; k++)
                {
                    sum -= l[i, k] * l[j, k];
                }

                if (i == j)
                {
                    Assert.True(sum > 0, $"The matrix is not positive definite (pivot {i} is {sum}).");
                    l[i, i] = Math.Sqrt(sum);
                }
                else
                {
                    l[i, j] = sum / l[j, j];
                }
            }
        }

        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = b[i];
            for (var k = 0; k < i; k++)
            {
                sum -= l[i, k] * y[k];
            }

            y[i] = sum / l[i, i];
        }

        var x = new double[n];
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = y[i];
            for (var k = i + 1; k < n; k++)
            {
                sum -= l[k, i] * x[k];
            }

            x[i] = sum / l[i, i];
        }

        return x;
    }
}

using Dataflow.MLlib.Optimization;

namespace Dataflow.MLlib.Tests.Optimization;

/// <summary>Objectives with known minimisers, written as plain float64 loops.</summary>
internal static class TestProblems
{
    /// <summary>Extended Rosenbrock: Σ over pairs 100(x₂ᵢ₊₁ − x₂ᵢ²)² + (1 − x₂ᵢ)²; minimum 0 at all ones (n even).</summary>
    public static IDifferentiableFunction Rosenbrock(int n) => DifferentiableFunction.FromGradient(n, (x, g) =>
    {
        var f = 0.0;
        for (var i = 0; i < n; i += 2)
        {
            var a = x[i + 1] - x[i] * x[i];
            var b = 1 - x[i];
            f += 100 * a * a + b * b;
            g[i] = -400 * a * x[i] - 2 * b;
            g[i + 1] = 200 * a;
        }

        return f;
    });

    /// <summary>The standard start (−1.2, 1, −1.2, 1, ...).</summary>
    public static double[] RosenbrockStart(int n) => [.. Enumerable.Range(0, n).Select(i => i % 2 == 0 ? -1.2 : 1.0)];

    /// <summary>f(x) = ½ (x − x*)ᵀ A (x − x*) + c for a symmetric positive definite A (dense, row-major).</summary>
    public static IDifferentiableFunction Quadratic(double[,] a, double[] minimiser, double constant) =>
        DifferentiableFunction.FromGradient(minimiser.Length, (x, g) =>
        {
            var n = minimiser.Length;
            var f = 0.0;
            for (var i = 0; i < n; i++)
            {
                var row = 0.0;
                for (var j = 0; j < n; j++)
                {
                    row += a[i, j] * (x[j] - minimiser[j]);
                }

                g[i] = row;
                f += 0.5 * (x[i] - minimiser[i]) * row;
            }

            return f + constant;
        });

    /// <summary>BᵀB + I for a random B: well conditioned, strongly convex.</summary>
    public static double[,] RandomSpd(int n, Random random)
    {
        var b = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                b[i, j] = random.NextDouble() * 2 - 1;
            }
        }

        var a = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = i == j ? 1.0 : 0.0;
                for (var k = 0; k < n; k++)
                {
                    sum += b[k, i] * b[k, j];
                }

                a[i, j] = sum;
            }
        }

        return a;
    }

    /// <summary>Q Λ Qᵀ with eigenvalues <paramref name="eigenvalues"/> and Q a product of random Householder reflections.</summary>
    public static double[,] WithSpectrum(double[] eigenvalues, Random random, int reflections = 4)
    {
        var n = eigenvalues.Length;
        var q = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            q[i, i] = 1;
        }

        for (var r = 0; r < reflections; r++)
        {
            var v = RandomVector(n, random);
            var norm2 = v.Sum(x => x * x);

            // Q ← Q (I − 2vvᵀ/vᵀv)
            for (var i = 0; i < n; i++)
            {
                var dot = 0.0;
                for (var k = 0; k < n; k++)
                {
                    dot += q[i, k] * v[k];
                }

                for (var k = 0; k < n; k++)
                {
                    q[i, k] -= 2 * dot * v[k] / norm2;
                }
            }
        }

        var a = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = 0.0;
                for (var k = 0; k < n; k++)
                {
                    sum += q[i, k] * eigenvalues[k] * q[j, k];
                }

                a[i, j] = sum;
            }
        }

        return a;
    }

    public static double[] RandomVector(int n, Random random) => [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() * 4 - 2)];

    public static double MaxAbsDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var max = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }
}

namespace Dataflow.MLlib.Kernels.Tests;

/// <summary>
/// The float64 references the kernels are checked against: plain loops over rows expanded to dense double arrays,
/// written without anything from the library (their own log1p, their own softmax), one row at a time, no SIMD.
/// </summary>
internal static class ReferenceKernels
{
    public static double[] Row(InstanceBlock block, int r)
    {
        var x = new double[block.Features];
        if (block.IsSparse)
        {
            for (var p = block.RowOffsets[r]; p < block.RowOffsets[r + 1]; p++)
                x[block.Indices[p]] = block.Values[p];
        }
        else
        {
            for (var j = 0; j < block.Features; j++)
                x[j] = block.Values[(r * block.Features) + j];
        }

        return x;
    }

    public static double Dot(double[] x, double[] w, int offset = 0)
    {
        var sum = 0.0;
        for (var j = 0; j < x.Length; j++)
            sum += x[j] * w[offset + j];
        return sum;
    }

    /// <summary>log(1 + t) for t ≥ 0: a Taylor series where 1 + t would round, else the plain log.</summary>
    public static double Log1p(double t) => t < 1e-4 ? t - (t * t / 2) + (t * t * t / 3) - (t * t * t * t / 4) : Math.Log(1 + t);

    /// <summary>log(1 + e^z) without overflow.</summary>
    public static double Softplus(double z) => Math.Max(z, 0) + Log1p(Math.Exp(-Math.Abs(z)));

    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    public static IEnumerable<int> Used(InstanceBlock block, int[]? rows) => rows ?? Enumerable.Range(0, block.Rows);

    /// <summary>Loss and gradient (Features + 1, intercept last) of binary logistic regression, labels 0/1.</summary>
    public static (double Loss, double[] Gradient) BinaryLogistic(InstanceBlock block, double[] w, double b, int[]? rows = null)
    {
        var gradient = new double[block.Features + 1];
        var loss = 0.0;
        foreach (var r in Used(block, rows))
        {
            var x = Row(block, r);
            var m = Dot(x, w) + b;
            var y = block.Labels[r];
            // y = 0: log(1 + e^m); y = 1: log(1 + e^m) − m = log(1 + e^−m).
            loss += y == 1 ? Softplus(-m) : Softplus(m);
            var multiplier = y == 1 ? -Sigmoid(-m) : Sigmoid(m);
            for (var j = 0; j < x.Length; j++)
                gradient[j] += multiplier * x[j];
            gradient[^1] += multiplier;
        }

        return (loss, gradient);
    }

    public static (double Loss, double[] Gradient) LeastSquares(InstanceBlock block, double[] w, double b, int[]? rows = null)
    {
        var gradient = new double[block.Features + 1];
        var loss = 0.0;
        foreach (var r in Used(block, rows))
        {
            var x = Row(block, r);
            var residual = Dot(x, w) + b - block.Labels[r];
            loss += residual * residual / 2;
            for (var j = 0; j < x.Length; j++)
                gradient[j] += residual * x[j];
            gradient[^1] += residual;
        }

        return (loss, gradient);
    }

    public static (double Loss, double[] Gradient) Multinomial(InstanceBlock block, double[] w, double[] b, int[]? rows = null)
    {
        int k = b.Length, d = block.Features;
        var gradient = new double[(k * d) + k];
        var loss = 0.0;
        foreach (var r in Used(block, rows))
        {
            var x = Row(block, r);
            var y = (int)block.Labels[r];
            var m = new double[k];
            for (var c = 0; c < k; c++)
                m[c] = Dot(x, w, c * d) + b[c];
            var max = m.Max();
            var sum = 0.0;
            for (var c = 0; c < k; c++)
                sum += Math.Exp(m[c] - max);
            // log Σ e^m − m_y with the max taken out; Σ ≥ 1, so log1p(Σ − 1) keeps the tiny terms of a confident row.
            loss += max - m[y] + Log1p(sum - 1);
            for (var c = 0; c < k; c++)
            {
                var multiplier = (Math.Exp(m[c] - max) / sum) - (c == y ? 1 : 0);
                for (var j = 0; j < d; j++)
                    gradient[(c * d) + j] += multiplier * x[j];
                gradient[(k * d) + c] += multiplier;
            }
        }

        return (loss, gradient);
    }

    public static double[] Margins(InstanceBlock block, double[] w, double[] b)
    {
        var k = b.Length;
        var margins = new double[block.Rows * k];
        for (var r = 0; r < block.Rows; r++)
        {
            var x = Row(block, r);
            for (var c = 0; c < k; c++)
                margins[(r * k) + c] = Dot(x, w, c * block.Features) + b[c];
        }

        return margins;
    }

    /// <summary>Nearest centre by the exact Σ(x − c)² over every centre, ties to the lowest index.</summary>
    public static (int[] Nearest, double[] Distances) Nearest(InstanceBlock block, double[] centers, int k)
    {
        var d = block.Features;
        var nearest = new int[block.Rows];
        var distances = new double[block.Rows];
        for (var r = 0; r < block.Rows; r++)
        {
            var x = Row(block, r);
            var best = double.PositiveInfinity;
            for (var c = 0; c < k; c++)
            {
                var distance = 0.0;
                for (var j = 0; j < d; j++)
                {
                    var diff = x[j] - centers[(c * d) + j];
                    distance += diff * diff;
                }

                if (distance < best)
                {
                    best = distance;
                    nearest[r] = c;
                }
            }

            distances[r] = best;
        }

        return (nearest, distances);
    }

    public static (double Cost, double[] Sums, long[] Counts) KMeansAssign(InstanceBlock block, double[] centers, int k)
    {
        var d = block.Features;
        var (nearest, distances) = Nearest(block, centers, k);
        var sums = new double[k * d];
        var counts = new long[k];
        for (var r = 0; r < block.Rows; r++)
        {
            var x = Row(block, r);
            for (var j = 0; j < d; j++)
                sums[(nearest[r] * d) + j] += x[j];
            counts[nearest[r]]++;
        }

        return (distances.Sum(), sums, counts);
    }

    public static double[] Norms(double[] centers, int k)
    {
        var d = k == 0 ? 0 : centers.Length / k;
        var norms = new double[k];
        for (var c = 0; c < k; c++)
        {
            var sum = 0.0;
            for (var j = 0; j < d; j++)
                sum += centers[(c * d) + j] * centers[(c * d) + j];
            norms[c] = Math.Sqrt(sum);
        }

        return norms;
    }
}

namespace Dataflow.MLlib.Optimization;

/// <summary>The few float64 vector operations the optimizers need, on spans (no dependency on the linalg types).</summary>
internal static class DenseMath
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>The L2 norm, scaled so that entries near the overflow limit do not overflow the sum of squares.</summary>
    public static double Norm(ReadOnlySpan<double> a)
    {
        var scale = 0.0;
        foreach (var x in a)
        {
            scale = Math.Max(scale, Math.Abs(x));
        }

        if (scale == 0 || !double.IsFinite(scale))
        {
            return scale;
        }

        var sum = 0.0;
        foreach (var x in a)
        {
            var r = x / scale;
            sum += r * r;
        }

        return scale * Math.Sqrt(sum);
    }

    /// <summary><c>y += alpha · x</c>.</summary>
    public static void AddScaled(Span<double> y, double alpha, ReadOnlySpan<double> x)
    {
        for (var i = 0; i < y.Length; i++)
        {
            y[i] += alpha * x[i];
        }
    }

    /// <summary><c>destination = x + alpha · d</c>.</summary>
    public static void PointOnLine(Span<double> destination, ReadOnlySpan<double> x, double alpha, ReadOnlySpan<double> d)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = x[i] + alpha * d[i];
        }
    }

    public static bool AllFinite(ReadOnlySpan<double> a)
    {
        foreach (var x in a)
        {
            if (!double.IsFinite(x))
            {
                return false;
            }
        }

        return true;
    }
}

namespace Dataflow.MLlib.Kernels.Tests;

/// <summary>Toleranced comparisons: relative error 1e-6 against the reference.</summary>
internal static class Close
{
    public const double Relative = 1e-6;

    /// <summary>|actual − expected| ≤ 1e-6·max(|expected|, floor).</summary>
    public static void Scalar(double expected, double actual, double floor = 0, string what = "value")
    {
        var tolerance = Relative * Math.Max(Math.Abs(expected), floor);
        if (!double.IsFinite(actual) || !(Math.Abs(actual - expected) <= tolerance))
            Assert.Fail($"{what}: expected {expected:R}, got {actual:R} (tolerance {tolerance:R}).");
    }

    /// <summary>
    /// Element-wise relative error 1e-6, with a floor of 1e-3 of the largest |expected| for entries that cancel to
    /// near zero (float64 rounding is ~1e-16 of that, any real error is far above 1e-9 of it).
    /// </summary>
    public static void Vector(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what = "vector")
    {
        Assert.Equal(expected.Length, actual.Length);
        var largest = 0.0;
        foreach (var e in expected)
            largest = Math.Max(largest, Math.Abs(e));
        for (var i = 0; i < expected.Length; i++)
            Scalar(expected[i], actual[i], 1e-3 * largest, $"{what}[{i}]");
    }

    public static double[] Add(double[] a, double[] b) => [.. a.Zip(b, (x, y) => x + y)];
}

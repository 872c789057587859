namespace Dataflow.Ui.Api;

/// <summary>The task-summary quantiles: Spark's choice of element, <c>sorted[min(⌊q·n⌋, n − 1)]</c>.</summary>
internal static class Quantiles
{
    /// <summary>The quantiles the UI and <c>taskSummary</c> show: min, 25%, median, 75%, max.</summary>
    public static readonly double[] Default = [0, 0.25, 0.5, 0.75, 1];

    /// <summary>The value at each quantile of <paramref name="values"/>; an empty array when there are none.</summary>
    public static double[] Of(IEnumerable<double> values, IReadOnlyList<double> quantiles)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return [];
        }

        return [.. quantiles.Select(q => sorted[(int)Math.Min((long)Math.Floor(q * sorted.Length), sorted.Length - 1)])];
    }
}

using ScottPlot;

namespace Dataflow.Plotting;

/// <summary>
/// The few chart kinds the benchmarks and experiments draw, as PNG files, with the shipped font
/// (<see cref="PlotFonts"/>): stacked bars (where time went, per category) and lines (a quantity against a
/// parameter). Shared by the bottleneck sweep and the experiment harness.
/// </summary>
/// <example><code>
/// Charts.StackedBars("breakdown.png", "Per-iteration time", "d", "seconds", ["1e2", "1e3"],
///     [new("compute", [0.01, 0.02]), new("broadcast", [0.001, 0.01])]);
/// Charts.Lines("share.png", "Communication share", "log10 d", "share", [new("local[2] cpu", [2, 3], [0.1, 0.4])]);
/// </code></example>
public static class Charts
{
    /// <summary>Default image size in pixels.</summary>
    public const int Width = 960;

    /// <summary>Default image size in pixels.</summary>
    public const int Height = 540;

    /// <summary>
    /// One bar per category, stacked from the series in order (bottom first), with a legend; values must be ≥ 0 and
    /// finite (NaN draws nothing).
    /// </summary>
    /// <param name="path">The PNG file to write (its directory must exist).</param>
    /// <param name="title">Drawn above the plot.</param>
    /// <param name="xLabel">Below the categories.</param>
    /// <param name="yLabel">Beside the values.</param>
    /// <param name="categories">The bars' labels, left to right.</param>
    /// <param name="series">One value per category each.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public static void StackedBars(string path, string title, string xLabel, string yLabel, IReadOnlyList<string> categories,
        IReadOnlyList<Series> series, int width = Width, int height = Height)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(series);
        foreach (var s in series)
        {
            if (s.Values.Count != categories.Count)
                throw new ArgumentException($"Series '{s.Name}' has {s.Values.Count} values for {categories.Count} categories.", nameof(series));
        }

        var plot = NewPlot(title, xLabel, yLabel);
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        var bases = new double[categories.Count];
        for (var k = 0; k < series.Count; k++)
        {
            var color = palette.GetColor(k);
            for (var i = 0; i < categories.Count; i++)
            {
                var value = series[k].Values[i];
                if (!double.IsFinite(value) || value <= 0)
                    continue;
                bars.Add(new Bar { Position = i, ValueBase = bases[i], Value = bases[i] + value, FillColor = color, Size = 0.7 });
                bases[i] += value;
            }

            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[k].Name, FillColor = color });
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, categories.Count).Select(i => (double)i)], [.. categories]);
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, width, height);
    }

    /// <summary>One line with markers per series, with a legend.</summary>
    /// <param name="path">The PNG file to write (its directory must exist).</param>
    /// <param name="title">Drawn above the plot.</param>
    /// <param name="xLabel">Below the x axis.</param>
    /// <param name="yLabel">Beside the y axis.</param>
    /// <param name="series">The lines: x and y of the same length each.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public static void Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<LineSeries> series,
        int width = Width, int height = Height)
    {
        ArgumentNullException.ThrowIfNull(series);
        var plot = NewPlot(title, xLabel, yLabel);
        foreach (var s in series)
        {
            if (s.X.Count != s.Y.Count)
                throw new ArgumentException($"Series '{s.Name}' has {s.X.Count} x values and {s.Y.Count} y values.", nameof(series));
            var line = plot.Add.Scatter(s.X.ToArray(), s.Y.ToArray());
            line.LegendText = s.Name;
            line.MarkerSize = 7;
        }

        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, width, height);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        PlotFonts.Register();
        var plot = new Plot();
        plot.Font.Set(PlotFonts.Family);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }
}

/// <summary>A named series of values, one per category.</summary>
/// <param name="Name">Shown in the legend.</param>
/// <param name="Values">The values.</param>
public sealed record Series(string Name, IReadOnlyList<double> Values);

/// <summary>A named line.</summary>
/// <param name="Name">Shown in the legend.</param>
/// <param name="X">The x values.</param>
/// <param name="Y">The y values.</param>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

using SkiaSharp;

namespace Dataflow.Plotting.Tests;

/// <summary>
/// Charts render text with the shipped font: the title band of a chart with a title has dark (text) pixels, and the
/// same chart without a title has none there; the PNGs decode at the asked size.
/// </summary>
public sealed class ChartsTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("charts-test-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void ShippedFont_IsDejaVuSans()
    {
        Assert.Equal("DejaVu Sans", PlotFonts.Typeface.FamilyName);
        PlotFonts.Register();
        Assert.Same(PlotFonts.Typeface, ScottPlot.Fonts.GetTypeface(PlotFonts.Family, bold: false, italic: false));
    }

    [Fact]
    public void StackedBars_WithATitle_HasTextPixelsInTheTitleBandAndNoneWithout()
    {
        var titled = Path.Combine(_temp, "titled.png");
        var untitled = Path.Combine(_temp, "untitled.png");
        string[] categories = ["1e2", "1e3", "1e4"];
        Series[] series = [new("compute", [1.0, 2.0, 3.0]), new("broadcast", [0.5, 1.0, 4.0])];

        Charts.StackedBars(titled, "Per-iteration time by model size", "d", "seconds", categories, series, 800, 450);
        Charts.StackedBars(untitled, "", "d", "seconds", categories, series, 800, 450);

        using var withTitle = Decode(titled, 800, 450);
        using var withoutTitle = Decode(untitled, 800, 450);
        var band = (Left: 200, Right: 600, Top: 0, Bottom: 30);
        Assert.True(TextPixels(withTitle, band) > 100, $"{TextPixels(withTitle, band)} text pixels where the title is");
        // Without a title the plot's frame moves up into the band: a full dark row, which is not text.
        Assert.Equal(0, TextPixels(withoutTitle, band));
    }

    [Fact]
    public void Lines_WritesADecodablePng()
    {
        var path = Path.Combine(_temp, "lines.png");

        Charts.Lines(path, "Communication share", "log10 d", "share", [new("local[2] cpu dense", [2.0, 3.0, 4.0], [0.1, 0.3, 0.7])]);

        using var image = Decode(path, Charts.Width, Charts.Height);
        Assert.True(DarkPixels(image, (0, Charts.Width, 0, Charts.Height)) > 1000);
    }

    [Fact]
    public void StackedBars_SeriesOfTheWrongLength_NamesIt()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Charts.StackedBars(Path.Combine(_temp, "x.png"), "t", "x", "y", ["a", "b"], [new("compute", [1.0])]));

        Assert.Contains("'compute' has 1 values for 2 categories", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_temp, "x.png")));
    }

    private static SKBitmap Decode(string path, int width, int height)
    {
        var image = SKBitmap.Decode(path);
        Assert.NotNull(image);
        Assert.Equal((width, height), (image.Width, image.Height));
        return image;
    }

    // Dark pixels outside rows that are dark almost all across (frame and axis lines).
    private static int TextPixels(SKBitmap image, (int Left, int Right, int Top, int Bottom) box)
    {
        var count = 0;
        for (var y = box.Top; y < box.Bottom; y++)
        {
            var row = DarkPixels(image, (box.Left, box.Right, y, y + 1));
            if (row < 0.9 * (box.Right - box.Left))
                count += row;
        }

        return count;
    }

    private static int DarkPixels(SKBitmap image, (int Left, int Right, int Top, int Bottom) box)
    {
        var count = 0;
        for (var y = box.Top; y < box.Bottom; y++)
        {
            for (var x = box.Left; x < box.Right; x++)
            {
                var c = image.GetPixel(x, y);
                if ((c.Red + c.Green + c.Blue) / 3 < 128)
                    count++;
            }
        }

        return count;
    }
}

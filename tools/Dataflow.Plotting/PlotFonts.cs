using System.Reflection;
using ScottPlot;
using SkiaSharp;

namespace Dataflow.Plotting;

/// <summary>
/// The font every chart is drawn with: DejaVu Sans, shipped inside this assembly. ScottPlot finds fonts through
/// the system, and on a machine without fonts it silently draws no text at all; with the font registered here, titles,
/// labels and legends render the same on every machine.
/// </summary>
/// <example><code>
/// PlotFonts.Register();               // Charts does this itself; call it before drawing a ScottPlot plot of your own
/// plot.Font.Set(PlotFonts.Family);
/// </code></example>
public static class PlotFonts
{
    /// <summary>The family name charts use.</summary>
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<SKTypeface> Shipped = new(Load);
    private static int s_registered;

    /// <summary>The shipped typeface (DejaVu Sans Book).</summary>
    public static SKTypeface Typeface => Shipped.Value;

    /// <summary>Makes <see cref="Family"/> resolve to the shipped font, ahead of the system's, and the default font; once per process.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1)
            return;
        Fonts.FontResolvers.Insert(0, new ShippedFontResolver());
        Fonts.Default = Family;
    }

    private static SKTypeface Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Dataflow.Plotting.DejaVuSans.ttf")
            ?? throw new InvalidOperationException("The DejaVu Sans font resource is missing from Dataflow.Plotting; rebuild the project.");
        return SKTypeface.FromStream(stream)
            ?? throw new InvalidOperationException("SkiaSharp could not read the shipped DejaVu Sans font.");
    }

    // Serves every style of the family from the one shipped face (bold and italic are synthesised by Skia).
    private sealed class ShippedFontResolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            fontName == Family ? Shipped.Value : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Family ? Shipped.Value : null;
    }
}

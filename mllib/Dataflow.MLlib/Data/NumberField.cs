using System.Globalization;

namespace Dataflow.MLlib.Data;

/// <summary>How the loaders read one number: invariant culture, exponent forms, finite values only.</summary>
internal static class NumberField
{
    /// <summary>Longest field text quoted in an error message.</summary>
    private const int QuoteLimit = 40;

    /// <summary>Parses <c>1</c>, <c>-2.5</c>, <c>1e-3</c>, <c>+4E+2</c>, surrounding spaces allowed; NaN and ∞ are refused.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>The field as an error message quotes it: trimmed, shortened past <see cref="QuoteLimit"/> characters.</summary>
    public static string Quote(ReadOnlySpan<char> text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= QuoteLimit ? $"'{trimmed}'" : $"'{trimmed[..QuoteLimit]}…'";
    }

    /// <summary>What is wrong with a field that did not parse: not a number, or a number that is not finite.</summary>
    public static string Problem(ReadOnlySpan<char> text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? $"{Quote(text)}, which is not a finite number (NaN and infinities cannot be trained on)"
            : $"{Quote(text)}, not a number (write numbers with '.' as the decimal point, e.g. 1.5 or 2e-3)";
}

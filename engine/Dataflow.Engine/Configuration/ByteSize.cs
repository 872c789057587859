using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Dataflow.Configuration;

/// <summary>
/// A number of bytes, written in configuration and on the command line as <c>512m</c>, <c>1g</c>, <c>64k</c>,
/// <c>1.5g</c>, <c>1e6</c> or a plain byte count. Suffixes <c>k</c>, <c>m</c>, <c>g</c>, <c>t</c> mean KiB, MiB,
/// GiB, TiB (binary, case-insensitive, optionally followed by <c>b</c> or <c>ib</c>).
/// </summary>
/// <param name="Bytes">The size in bytes; never negative.</param>
/// <example><code>ByteSize.Parse("512m").Bytes == 512L * 1024 * 1024</code></example>
[TypeConverter(typeof(ByteSizeConverter))]
public readonly record struct ByteSize(long Bytes)
{
    private const string AcceptedForms =
        "a byte count with an optional k, m, g or t suffix (KiB, MiB, GiB, TiB), e.g. 1024, 64k, 512m, 1.5g, 1e6";

    private static readonly (char Suffix, int Shift)[] s_units = [('t', 40), ('g', 30), ('m', 20), ('k', 10)];

    /// <summary>The size in bytes; never negative.</summary>
    public long Bytes { get; } = Bytes >= 0
        ? Bytes
        : throw new ArgumentOutOfRangeException(nameof(Bytes), Bytes, "A size cannot be negative.");

    /// <summary>A size of <paramref name="kibibytes"/> × 1024 bytes.</summary>
    /// <param name="kibibytes">Number of KiB.</param>
    public static ByteSize FromKiB(long kibibytes) => new(checked(kibibytes * 1024));

    /// <summary>A size of <paramref name="mebibytes"/> × 1024² bytes.</summary>
    /// <param name="mebibytes">Number of MiB.</param>
    public static ByteSize FromMiB(long mebibytes) => new(checked(mebibytes * 1024 * 1024));

    /// <summary>A size of <paramref name="gibibytes"/> × 1024³ bytes.</summary>
    /// <param name="gibibytes">Number of GiB.</param>
    public static ByteSize FromGiB(long gibibytes) => new(checked(gibibytes * 1024 * 1024 * 1024));

    /// <summary>Parses <c>512m</c>, <c>1g</c>, <c>64K</c>, <c>1024</c>, <c>1.5g</c>, <c>1e6</c> (invariant culture).</summary>
    /// <param name="text">The text to parse.</param>
    /// <exception cref="FormatException">The text is not a size; the message names it and the accepted forms.</exception>
    public static ByteSize Parse(string text) =>
        TryParse(text, out var result)
            ? result
            : throw new FormatException($"'{text}' is not a valid size; expected {AcceptedForms}.");

    /// <summary>Parses like <see cref="Parse"/> without throwing.</summary>
    /// <param name="text">The text to parse; null or blank fails.</param>
    /// <param name="result">The size, or default when parsing fails.</param>
    /// <returns>Whether <paramref name="text"/> is a valid size.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out ByteSize result)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        var end = span.Length;
        while (end > 0 && char.IsAsciiLetter(span[end - 1]))
        {
            end--;
        }

        if (!TryGetMultiplier(span[end..], out var multiplier))
        {
            return false;
        }

        var number = span[..end].TrimEnd();
        // Whole numbers go through long so large byte counts keep every digit.
        if (long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var whole))
        {
            if (whole > long.MaxValue / multiplier)
            {
                return false;
            }

            result = new ByteSize(whole * multiplier);
            return true;
        }

        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        // Fractions round to the nearest byte: "0.3g" is a reasonable thing to write.
        var bytes = Math.Round(value * multiplier);
        if (double.IsNaN(bytes) || bytes >= 9.2233720368547758E18)
        {
            return false;
        }

        result = new ByteSize((long)bytes);
        return true;
    }

    /// <summary>The compact form: the largest binary unit that divides the size exactly (<c>512m</c>, <c>1g</c>, <c>1000</c>).</summary>
    /// <returns>Text that <see cref="Parse"/> reads back to the same size.</returns>
    public override string ToString()
    {
        if (Bytes == 0)
        {
            return "0";
        }

        foreach (var (suffix, shift) in s_units)
        {
            if ((Bytes & ((1L << shift) - 1)) == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{Bytes >> shift}{suffix}");
            }
        }

        return Bytes.ToString(CultureInfo.InvariantCulture);
    }

    private static bool TryGetMultiplier(ReadOnlySpan<char> unit, out long multiplier)
    {
        multiplier = 1;
        if (unit.IsEmpty || unit.Equals("b", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var rest = unit[1..];
        if (!rest.IsEmpty && !rest.Equals("b", StringComparison.OrdinalIgnoreCase)
            && !rest.Equals("ib", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var shift = char.ToLowerInvariant(unit[0]) switch
        {
            'k' => 10,
            'm' => 20,
            'g' => 30,
            't' => 40,
            _ => -1,
        };
        if (shift < 0)
        {
            return false;
        }

        multiplier = 1L << shift;
        return true;
    }
}

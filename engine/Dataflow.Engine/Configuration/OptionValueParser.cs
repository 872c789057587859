using System.Globalization;

namespace Dataflow.Configuration;

/// <summary>
/// Parses and prints option values the same way for configuration keys and command-line options: invariant
/// culture, exponent forms for numbers (<c>1e7</c> is a fine int), sizes as <see cref="ByteSize"/>, durations as
/// <c>3s</c>/<c>500ms</c>/<c>2m</c>/<c>1h</c>/<c>1d</c> or <c>hh:mm:ss</c>.
/// </summary>
internal static class OptionValueParser
{
    private static readonly (string Suffix, long Ticks)[] s_durationUnits =
    [
        ("d", TimeSpan.TicksPerDay), ("h", TimeSpan.TicksPerHour), ("min", TimeSpan.TicksPerMinute),
        ("m", TimeSpan.TicksPerMinute), ("s", TimeSpan.TicksPerSecond), ("ms", TimeSpan.TicksPerMillisecond),
    ];

    public static bool IsSupported(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) || t == typeof(bool) || t == typeof(int) || t == typeof(long)
            || t == typeof(double) || t == typeof(TimeSpan) || t == typeof(ByteSize) || t.IsEnum;
    }

    /// <summary>Short type name for help text and the README: <c>int</c>, <c>size</c>, <c>duration</c>, <c>a|b</c>.</summary>
    public static string Describe(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t switch
        {
            _ when t == typeof(string) => "string",
            _ when t == typeof(bool) => "bool",
            _ when t == typeof(int) => "int",
            _ when t == typeof(long) => "long",
            _ when t == typeof(double) => "number",
            _ when t == typeof(TimeSpan) => "duration",
            _ when t == typeof(ByteSize) => "size",
            _ when t.IsEnum => string.Join('|', Enum.GetNames(t)).ToLowerInvariant(),
            _ => t.Name,
        };
    }

    /// <summary>Parses <paramref name="text"/> as <paramref name="type"/> (or its underlying type when nullable).</summary>
    /// <param name="type">The target type; see <see cref="IsSupported"/>.</param>
    /// <param name="text">The text as written.</param>
    /// <param name="value">The parsed value, boxed.</param>
    /// <param name="expected">On failure, what would have been accepted, e.g. <c>a whole number such as 4</c>.</param>
    public static bool TryParse(Type type, string text, out object? value, out string expected)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        var s = text.Trim();
        value = null;
        expected = Expected(t);
        if (t == typeof(string))
        {
            value = text;
            return true;
        }

        if (t == typeof(bool))
        {
            var ok = bool.TryParse(s, out var b);
            value = b;
            return ok;
        }

        if (t == typeof(int))
        {
            var ok = TryParseWhole(s, out var l) && l is >= int.MinValue and <= int.MaxValue;
            value = (int)l;
            return ok;
        }

        if (t == typeof(long))
        {
            var ok = TryParseWhole(s, out var l);
            value = l;
            return ok;
        }

        if (t == typeof(double))
        {
            var ok = double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d);
            value = d;
            return ok;
        }

        if (t == typeof(ByteSize))
        {
            var ok = ByteSize.TryParse(s, out var size);
            value = size;
            return ok;
        }

        if (t == typeof(TimeSpan))
        {
            var ok = TryParseDuration(s, out var span);
            value = span;
            return ok;
        }

        if (t.IsEnum && !s.All(c => char.IsAsciiDigit(c) || c == '-')
            && Enum.TryParse(t, s, ignoreCase: true, out var e))
        {
            value = e;
            return true;
        }

        return false;
    }

    /// <summary>Invariant text that <see cref="TryParse"/> reads back; <c>(unset)</c> for null.</summary>
    public static string Format(object? value) => value switch
    {
        null => "(unset)",
        string s => s,
        bool b => b ? "true" : "false",
        TimeSpan span => FormatDuration(span),
        Enum e => e.ToString().ToLowerInvariant(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Expected(Type t) => t switch
    {
        _ when t == typeof(bool) => "true or false",
        _ when t == typeof(int) || t == typeof(long) => "a whole number such as 4 or 1e6",
        _ when t == typeof(double) => "a number such as 0.5 or 1e-3",
        _ when t == typeof(ByteSize) => "a size such as 64k, 512m, 1.5g or 1024",
        _ when t == typeof(TimeSpan) => "a duration such as 500ms, 3s, 2m, 1h or 00:00:03",
        _ when t.IsEnum => "one of " + string.Join(", ", Enum.GetNames(t)).ToLowerInvariant(),
        _ => "a " + t.Name,
    };

    // Integers accept exponent forms (1e7) when the value is integral, as the conventions ask.
    private static bool TryParseWhole(string s, out long value)
    {
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && d == Math.Floor(d) && d >= -9.2233720368547758E18 && d < 9.2233720368547758E18)
        {
            value = (long)d;
            return true;
        }

        return false;
    }

    private static bool TryParseDuration(string s, out TimeSpan value)
    {
        foreach (var (suffix, ticks) in s_durationUnits.OrderByDescending(u => u.Suffix.Length))
        {
            if (s.Length > suffix.Length && s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(s.AsSpan(0, s.Length - suffix.Length), NumberStyles.Float,
                    CultureInfo.InvariantCulture, out var n)
                && Math.Abs(n * ticks) < TimeSpan.MaxValue.Ticks)
            {
                value = TimeSpan.FromTicks((long)Math.Round(n * ticks));
                return true;
            }
        }

        // A bare number would parse as days; make the unit explicit instead of guessing.
        value = default;
        return s.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out value);
    }

    private static string FormatDuration(TimeSpan span)
    {
        if (span == TimeSpan.Zero)
        {
            return "0s";
        }

        foreach (var (suffix, ticks) in s_durationUnits)
        {
            if (suffix != "min" && span.Ticks % ticks == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{span.Ticks / ticks}{suffix}");
            }
        }

        return span.ToString("c", CultureInfo.InvariantCulture);
    }
}

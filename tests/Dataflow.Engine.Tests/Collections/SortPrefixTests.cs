using Dataflow.Collections;

namespace Dataflow.Tests.Collections;

/// <summary>
/// A sort prefix may only ever agree with its comparer: p(x) &lt; p(y) must mean x sorts before or with y. Checked on
/// every pair of random values with the edge cases of each type, and by sorting with prefixes and comparing.
/// </summary>
public sealed class SortPrefixTests
{
    private static readonly Random s_random = new(17);

    [Fact]
    public void Longs() => AssertAgrees(Values(() => s_random.NextInt64(long.MinValue, long.MaxValue), long.MinValue, long.MaxValue, 0L, -1L, 1L), Comparer<long>.Default);

    [Fact]
    public void Ints() => AssertAgrees(Values(() => s_random.Next(int.MinValue, int.MaxValue), int.MinValue, int.MaxValue, 0, -1), Comparer<int>.Default);

    [Fact]
    public void Doubles() => AssertAgrees(
        // double.NaN has its sign bit set; a NaN computed elsewhere may not.
        Values(() => (s_random.NextDouble() - 0.5) * Math.Pow(10, s_random.Next(-300, 300)), double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0001),
            double.NegativeInfinity, double.PositiveInfinity,
            0.0, -0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue),
        Comparer<double>.Default);

    [Fact]
    public void DateTimes() => AssertAgrees(Values(() => new DateTime(s_random.NextInt64(DateTime.MaxValue.Ticks)), DateTime.MinValue, DateTime.MaxValue), Comparer<DateTime>.Default);

    [Fact]
    public void UnsignedBytes() => AssertAgrees(
        Values(() => RandomBytes(s_random.Next(0, 12)), null!, [], [0], [0, 0], [0xFF], [1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8, 0], [1, 2, 3, 4, 5, 6, 7]),
        ByteArrayComparer.Instance);

    [Fact]
    public void OrdinalStrings() => AssertAgrees(
        Values(RandomString, null!, "", "\0", "a", "a\0", "abcd", "abcde", "\uFFFF"),
        StringComparer.Ordinal);

    [Fact]
    public void KeySelector_DescendingAndThenBy_KeepTheirOrder()
    {
        var people = Values(() => (Age: s_random.Next(0, 5), Name: "n" + s_random.Next(0, 50)));
        var byAgeDescending = new KeySelectorComparer<(int Age, string Name), int>(p => p.Age, Comparer<int>.Default, descending: true);
        var thenByName = new ThenComparer<(int Age, string Name)>(byAgeDescending,
            new KeySelectorComparer<(int Age, string Name), string>(p => p.Name, StringComparer.Ordinal, descending: false));

        AssertAgrees(people, byAgeDescending);
        AssertAgrees(people, thenByName);
    }

    [Fact]
    public void CultureSensitiveOrCustomComparers_HaveNoPrefix()
    {
        Assert.Null(SortPrefix<string>.For(Comparer<string>.Default));
        Assert.Null(SortPrefix<string>.For(StringComparer.OrdinalIgnoreCase));
        Assert.Null(SortPrefix<long>.For(Comparer<long>.Create((x, y) => y.CompareTo(x))));
        Assert.Null(SortPrefix<Guid>.For(Comparer<Guid>.Default));
    }

    private static void AssertAgrees<T>(List<T> values, IComparer<T> comparer)
    {
        var prefix = SortPrefix<T>.For(comparer);
        Assert.NotNull(prefix);
        foreach (var x in values)
        {
            foreach (var y in values)
            {
                if (prefix(x) < prefix(y))
                {
                    Assert.True(comparer.Compare(x, y) <= 0, $"prefix orders {Show(x)} before {Show(y)}, the comparer after");
                }
            }
        }

        var byPrefix = values.OrderBy(v => prefix(v)).ThenBy(v => v, comparer).ToList();
        for (var i = 1; i < byPrefix.Count; i++)
        {
            Assert.True(comparer.Compare(byPrefix[i - 1], byPrefix[i]) <= 0, $"{Show(byPrefix[i - 1])} sorted before {Show(byPrefix[i])}");
        }
    }

    private static List<T> Values<T>(Func<T> next, params T[] edges) => [.. edges, .. Enumerable.Range(0, 250).Select(_ => next())];

    private static string RandomString()
    {
        var chars = new char[s_random.Next(0, 7)];
        for (var i = 0; i < chars.Length; i++)
        {
            // Shared prefixes, a high surrogate, and anything else.
            chars[i] = s_random.Next(0, 3) switch { 0 => 'a', 1 => '\uD83D', _ => (char)s_random.Next(0, 0x10000) };
        }

        return new string(chars);
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        s_random.NextBytes(bytes);
        // Small values make shared prefixes, and so ties the comparer must break, common.
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] %= 3;
        }

        return bytes;
    }

    private static string Show<T>(T value) => value switch
    {
        null => "null",
        byte[] b => Convert.ToHexString(b),
        _ => value.ToString() ?? "",
    };
}

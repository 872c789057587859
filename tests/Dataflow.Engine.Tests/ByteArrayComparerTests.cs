using Dataflow.Partitioning;

namespace Dataflow.Tests;

public sealed class ByteArrayComparerTests
{
    private static readonly ByteArrayComparer Comparer = ByteArrayComparer.Instance;

    /// <summary>memcmp by hand: the first differing byte decides, unsigned; otherwise the shorter array first.</summary>
    private static int Reference(byte[] a, byte[] b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                return a[i] < b[i] ? -1 : 1;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    [Fact]
    public void Compare_RandomArrays_MatchesUnsignedLexicographicOrder()
    {
        var random = new Random(11);
        // Few distinct byte values and short lengths, so prefixes and equal arrays are common.
        byte[] alphabet = [0x00, 0x0D, 0x41, 0x61, 0x7F, 0x80, 0xC3, 0xFF];
        var arrays = Enumerable.Range(0, 400)
            .Select(_ => Enumerable.Range(0, random.Next(0, 5)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray())
            .ToArray();
        foreach (var a in arrays)
        {
            foreach (var b in arrays.Take(60))
            {
                Assert.Equal(Reference(a, b), Math.Sign(Comparer.Compare(a, b)));
                Assert.Equal(Reference(a, b) == 0, Comparer.Equals(a, b));
                if (Comparer.Equals(a, b))
                {
                    Assert.Equal(Comparer.GetHashCode(a), Comparer.GetHashCode(b));
                }
            }
        }
    }

    [Fact]
    public void Compare_HighBytes_SortAfterAscii()
    {
        Assert.True(Comparer.Compare([0x80], [0x7F]) > 0);
        Assert.True(Comparer.Compare([0x61], [0x61, 0x00]) < 0);
        Assert.True(Comparer.Compare(null, []) < 0);
        Assert.True(Comparer.Compare([], null) > 0);
        Assert.Equal(0, Comparer.Compare(null, null));
    }

    [Fact]
    public void Equals_NullAndContent_ComparesContentNotReference()
    {
        Assert.True(Comparer.Equals(null, null));
        Assert.False(Comparer.Equals(null, []));
        Assert.True(Comparer.Equals([1, 2], [1, 2]));
        Assert.False(Comparer.Equals([1, 2], [1, 3]));
        Assert.Equal(StableHash.Of(new byte[] { 1, 2, 3 }), Comparer.GetHashCode([1, 2, 3]));
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dataflow.HashProbe;
using Dataflow.Partitioning;

namespace Dataflow.Tests.Partitioning;

public class StableHashTests
{
    private enum Small : byte
    {
        High = 200,
    }

    [Fact]
    public void Of_StringsBuiltDifferently_AreEqual()
    {
        var literal = "partition-key";
        var built = new StringBuilder("partition").Append('-').Append("key").ToString();
        var sliced = "xxpartition-keyxx"[2..^2];

        Assert.NotSame(literal, built);
        Assert.Equal(StableHash.Of(literal), StableHash.Of(built));
        Assert.Equal(StableHash.Of(literal), StableHash.Of(sliced));
        Assert.Equal(StableHash.Of(literal), StableHash.String("a partition-key b".AsSpan(2, 13)));
        Assert.NotEqual(StableHash.Of(literal), StableHash.Of("partition-kez"));
    }

    [Fact]
    public void Of_BoxedValue_EqualsUnboxed()
    {
        Assert.Equal(StableHash.Of(42), StableHash.Of<object>(42));
        Assert.Equal(StableHash.Of("w"), StableHash.Of<object>("w"));
        Assert.Equal(StableHash.Of(("a", 1)), StableHash.Of<object>(("a", 1)));
        Assert.Equal(StableHash.Of(DayOfWeek.Monday), StableHash.Of<Enum>(DayOfWeek.Monday));
        Assert.Equal(StableHash.Of(2.5), StableHash.Of<IComparable>(2.5));
        Assert.Equal(StableHash.Of(7), StableHash.Of<int?>(7));
        Assert.Equal(0, StableHash.Of<object?>(null));
        Assert.Equal(0, StableHash.Of<int?>(null));
    }

    [Fact]
    public void Of_IntegersOfDifferentWidthsAndEnums_HashByValue()
    {
        Assert.Equal(StableHash.Of(5L), StableHash.Of(5));
        Assert.Equal(StableHash.Of((short)-5), StableHash.Of(-5));
        Assert.Equal(StableHash.Of(200), StableHash.Of(Small.High));
        Assert.Equal(StableHash.Of(5), StableHash.Of(DayOfWeek.Friday));
        Assert.NotEqual(StableHash.Of(1), StableHash.Of(2));
    }

    [Fact]
    public void Of_NegativeZeroAndNaNs_NormalisedBeforeHashing()
    {
        var otherNaN = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0001);

        Assert.Equal(StableHash.Of(0.0), StableHash.Of(-0.0));
        Assert.Equal(StableHash.Of(0.0f), StableHash.Of(-0.0f));
        Assert.Equal(StableHash.Of(double.NaN), StableHash.Of(otherNaN));
        Assert.NotEqual(StableHash.Of(1.0), StableHash.Of(-1.0));
    }

    [Fact]
    public void Of_DecimalsWithDifferentScale_AreEqual()
    {
        Assert.Equal(StableHash.Of(1.0m), StableHash.Of(1.00m));
        Assert.Equal(StableHash.Of(0m), StableHash.Of(-0.000m));
        Assert.NotEqual(StableHash.Of(1.5m), StableHash.Of(-1.5m));
        Assert.NotEqual(StableHash.Of(1.5m), StableHash.Of(15m));
    }

    [Fact]
    public void Of_TuplesWithSwappedElements_Differ()
    {
        Assert.NotEqual(StableHash.Of((1, 2)), StableHash.Of((2, 1)));
        Assert.NotEqual(StableHash.Of(("a", "b", "c")), StableHash.Of(("c", "b", "a")));
        Assert.Equal(StableHash.Of(("a", 1)), StableHash.Of(("a", 1)));
    }

    [Fact]
    public void Of_PairAndTwoTuple_EqualCombineOfElements()
    {
        var expected = StableHash.Combine(StableHash.Of("k"), StableHash.Of(3));

        Assert.Equal(expected, StableHash.Of(("k", 3)));
        Assert.Equal(expected, StableHash.Of(KeyValuePair.Create("k", 3)));
    }

    [Fact]
    public void Of_ByteContent_HashesByContentNotReference()
    {
        byte[] a = [1, 2, 3];
        byte[] b = [1, 2, 3];

        Assert.Equal(StableHash.Of(a), StableHash.Of(b));
        Assert.Equal(StableHash.Of(a), StableHash.Of(new ReadOnlyMemory<byte>([0, 1, 2, 3], 1, 3)));
        Assert.Equal(StableHash.Of(a), StableHash.Bytes([1, 2, 3]));
    }

    [Fact]
    public void Of_DateTimeOfDifferentKinds_HashesTicksLikeEquals()
    {
        var utc = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var unspecified = DateTime.SpecifyKind(utc, DateTimeKind.Unspecified);

        Assert.Equal(utc, unspecified);
        Assert.Equal(StableHash.Of(utc), StableHash.Of(unspecified));
    }

    [Fact]
    public void Of_IStableHashable_UsesItsHash()
    {
        Assert.Equal(StableHash.Combine(StableHash.Of("ProbeKey"), StableHash.Of(3)), StableHash.Of(new ProbeKey(3)));
        Assert.Equal(StableHash.Of(new ProbeKey(3)), StableHash.Of<object>(new ProbeKey(3)));
    }

    [Fact]
    public void Of_UnknownTypeThroughMessagePack_EqualValuesEqualHashes()
    {
        var a = new ProbeRecord("a", 1, [1.5]);
        var b = new ProbeRecord("a", 1, [1.5]);

        Assert.Equal(StableHash.Of(a), StableHash.Of(b));
        Assert.NotEqual(StableHash.Of(a), StableHash.Of(a with { Count = 2 }));
    }

    [Fact]
    public void Of_TenThousandStrings_SpreadEvenlyOverEightBuckets()
    {
        var buckets = new int[8];
        for (var i = 0; i < 10_000; i++)
        {
            buckets[(StableHash.Of("word" + i.ToString(CultureInfo.InvariantCulture)) & int.MaxValue) % 8]++;
        }

        Assert.All(buckets, count => Assert.InRange(count, 1000, 1500));
    }

    [Fact]
    public void Of_SequentialIntegers_SpreadEvenlyOverEightBuckets()
    {
        var buckets = new int[8];
        for (var i = 0; i < 10_000; i++)
        {
            buckets[(StableHash.Of(i * 8) & int.MaxValue) % 8]++;
        }

        Assert.All(buckets, count => Assert.InRange(count, 1000, 1500));
    }

    // Pinned: these values decide which partition every key lands in, across versions and machines.
    [Fact]
    public void Of_KnownValues_MatchPinnedHashes()
    {
        Assert.Equal(2034510813, StableHash.Of("hello"));
        Assert.Equal(256516268, StableHash.Of(42));
        Assert.Equal(-2049599845, StableHash.Of(("word", 3)));
        Assert.Equal(1200259462, StableHash.Of(Math.PI));
    }

    [Fact]
    public async Task Of_InChildProcess_MatchesThisProcess()
    {
        var expected = ProbeValues.Compute().Select(v => $"{v.Label}\t{v.Hash.ToString(CultureInfo.InvariantCulture)}");
        var probe = typeof(ProbeValues).Assembly.Location;
        var start = new ProcessStartInfo(DotnetHost(), [probe])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(process.ExitCode == 0, $"{probe} exited with {process.ExitCode}: {await stderr}");
        Assert.Equal(expected, (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    // `dotnet test` sets DOTNET_HOST_PATH to the muxer running it; outside it, the one on PATH will do.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : "dotnet";
}

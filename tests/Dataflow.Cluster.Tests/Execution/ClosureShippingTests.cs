using Dataflow.Cluster.Tests.Support;
using Dataflow.Configuration;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>
/// Closures of every shape a user writes, run on workers that got them as bytes: each computes on the cluster what
/// the same code computes with LINQ, or is refused when the transformation is built.
/// </summary>
public sealed class ClosureShippingTests : IAsyncLifetime
{
    private static readonly int[] s_data = [.. Enumerable.Range(0, 500)];

    private DataflowContext _ctx = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await SharedCluster.StartAsync();
        _ctx = new DataflowContext(new DataflowOptions { Master = SharedCluster.Master });
    }

    public async ValueTask DisposeAsync() => await _ctx.DisposeAsync();

    [Fact]
    public async Task CapturedThisWithPrivateFields_TravelsWithThem()
    {
        var part = new Labeller("n", 1_000);

        Assert.Equal(s_data.Select(x => "n" + (x + 1_000)), await part.Label(_ctx.Parallelize(s_data, 4)).ToArrayAsync(Ct));
    }

    [Fact]
    public async Task GenericMethodClosure_TravelsWithItsTypeArguments()
    {
        var pairs = await MapAll(_ctx.Parallelize(s_data, 4), x => (x, x.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArrayAsync(Ct);

        Assert.Equal(s_data.Select(x => (x, x.ToString(System.Globalization.CultureInfo.InvariantCulture))), pairs);
    }

    [Fact]
    public async Task LocalFunctionAndStaticLambda_Travel()
    {
        var bias = 7;
        int Twice(int v) => (v * 2) + bias;

        var result = await _ctx.Parallelize(s_data, 4).Select(x => Twice(x)).Select(static x => x * 3).ToArrayAsync(Ct);

        Assert.Equal(s_data.Select(x => ((x * 2) + 7) * 3), result);
    }

    [Fact]
    public async Task Broadcast_IsReadOnTheWorkersFromTheDriversValue()
    {
        var wanted = _ctx.Broadcast(new HashSet<int>(s_data.Where(x => x % 17 == 0)));

        var kept = await _ctx.Parallelize(s_data, 6).Where(x => wanted.Value.Contains(x)).ToArrayAsync(Ct);

        Assert.Equal(s_data.Where(x => x % 17 == 0), kept);
    }

    [Fact]
    public void RddUsedInsideAnotherRddsClosure_IsRejectedWhenBuilt()
    {
        var other = _ctx.Parallelize(s_data, 2);

        var error = Assert.ThrowsAny<Exception>(() => _ctx.Parallelize(s_data, 2).Select(x => x + other.NumPartitions));

        Assert.Contains("run only on the driver", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClosureCapturingAStream_IsRejectedWhenBuiltNamingTheMember()
    {
        using var log = new MemoryStream();

        var error = Assert.ThrowsAny<Exception>(() => _ctx.Parallelize(s_data, 2).Select(x => x + (int)log.Length));

        // The path starts at the user's lambda, not at the operator's own closure around it.
        Assert.Contains("captures 'log' (MemoryStream)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComparerThatCannotTravel_FailsTheJobAtOnceNamingItsMember()
    {
        var comparer = new LoggingComparer();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => _ctx.Parallelize(s_data, 4).OrderBy(x => x, comparer).ToArrayAsync(Ct));

        Assert.Contains("_log", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("MemoryStream", error.ToString(), StringComparison.Ordinal);
    }

    private sealed class LoggingComparer : IComparer<int>
    {
        private readonly MemoryStream _log = new();

        public int Compare(int x, int y)
        {
            _log.WriteByte(1);
            return x.CompareTo(y);
        }
    }

    private static Rdd<TOut> MapAll<TIn, TOut>(Rdd<TIn> rdd, Func<TIn, TOut> f) => rdd.Select(x => f(x));

    private sealed class Labeller(string prefix, int offset)
    {
        private readonly string _prefix = prefix;
        private readonly int _offset = offset;

        public Rdd<string> Label(Rdd<int> numbers) => numbers.Select(x => _prefix + (x + _offset));
    }
}

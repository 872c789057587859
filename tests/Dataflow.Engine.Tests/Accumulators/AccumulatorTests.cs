using Dataflow.Accumulators;
using Dataflow.Execution;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Accumulators;

public sealed class AccumulatorTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LongAccumulator_UnderForcedRetries_CountsEachPartitionOnce()
    {
        var seen = _ctx.LongAccumulator("seen");
        // Partition 1 adds all its records, then fails on its first two attempts: those additions must not count.
        var rdd = _ctx.Parallelize(Enumerable.Range(0, 1000), 4).SelectPartitions((index, items) => Fail(index, items.Select(x =>
        {
            seen.Add(1);
            return x;
        }).ToList()));
        Assert.Equal(1000, await rdd.CountAsync(Ct));
        Assert.Equal(1000, seen.Value);
        Assert.Equal(1000, seen.Count);

        static IEnumerable<int> Fail(int index, List<int> items) =>
            index == 1 && TaskContext.Current!.AttemptNumber < 2 ? throw new IOException("transient") : items;
    }

    [Fact]
    public async Task Accumulator_InFailingMapStage_CountsEachMapPartitionOnce()
    {
        var mapped = _ctx.LongAccumulator();
        var rdd = _ctx.Parallelize(Enumerable.Range(0, 500), 5).Select(x =>
        {
            mapped.Add(1);
            return (x % 7, 1);
        }).SelectPartitions(items =>
        {
            var list = items.ToList();
            return TaskContext.Current!.PartitionId == 3 && TaskContext.Current.AttemptNumber == 0 ? throw new IOException("once") : list;
        }).ReduceByKey((a, b) => a + b, 3);
        Assert.Equal(500, (await rdd.ToListAsync(Ct)).Sum(kv => kv.Item2));
        Assert.Equal(500, mapped.Value);
    }

    [Fact]
    public async Task Accumulator_EachJobThatComputesCounts_CachedDoesNotRecompute()
    {
        var computed = _ctx.LongAccumulator();
        var plain = _ctx.Parallelize(Enumerable.Range(0, 100), 4).Select(x => { computed.Add(1); return x; });
        await plain.CountAsync(Ct);
        await plain.CountAsync(Ct);
        Assert.Equal(200, computed.Value);
        var cachedCount = _ctx.LongAccumulator();
        var cached = _ctx.Parallelize(Enumerable.Range(0, 100), 4).Select(x => { cachedCount.Add(1); return x; }).Cache();
        await cached.CountAsync(Ct);
        Assert.Equal(100, await cached.CountAsync(Ct));
        Assert.Equal(100, cachedCount.Value);
    }

    [Fact]
    public async Task DoubleAndCollectionAccumulators_MergeAllTasks()
    {
        var sum = _ctx.DoubleAccumulator("sum");
        var odd = _ctx.CollectionAccumulator<int>("odd");
        await _ctx.Parallelize(Enumerable.Range(1, 99), 7).ForEachAsync(x =>
        {
            sum.Add(x / 2.0);
            if (x % 2 == 1)
            {
                odd.Add(x);
            }
        }, Ct);
        Assert.Equal(Enumerable.Range(1, 99).Sum() / 2.0, sum.Value, 9);
        Assert.Equal(99, sum.Count);
        Assert.Equal(Enumerable.Range(1, 99).Where(x => x % 2 == 1), odd.Value.Order());
    }

    [Fact]
    public async Task UserDefinedAccumulator_MaxOfStrings_IsMerged()
    {
        var longest = _ctx.Register(new LongestString(), "longest");
        await _ctx.Parallelize(["a", "abcd", "ab", "abcdefg", "abc"], 3).ForEachAsync(longest.Add, Ct);
        Assert.Equal("abcdefg", longest.Value);
        Assert.Throws<InvalidOperationException>(() => _ctx.Register(longest));
    }

    private sealed class LongestString : AccumulatorBase<string, string>
    {
        private string _longest = "";

        public override string Value => _longest;

        public override bool IsZero => _longest.Length == 0;

        protected override AccumulatorBase<string, string> CreateZero() => new LongestString();

        protected override void AddValue(string value) => _longest = value.Length > _longest.Length ? value : _longest;

        protected override void Merge(AccumulatorBase<string, string> other) => AddValue(other.Value);
    }
}

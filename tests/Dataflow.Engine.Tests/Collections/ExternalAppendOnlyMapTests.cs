using Dataflow.Collections;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Collections;

public sealed class ExternalAppendOnlyMapTests(SpillingContextFixture fixture) : IClassFixture<SpillingContextFixture>
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 6)];

    [Theory, MemberData(nameof(Seeds))]
    public void Aggregate_ManySpills_MatchesLinqGroupBy(int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, random.Next(10_000, 30_000))
            .Select(_ => (Key: random.Next(4) == 0 ? null : "k" + random.Next(5000), Value: random.Next(-50, 50))).ToArray();
        var task = TestTasks.Create(fixture.Context, TestContext.Current.CancellationToken);
        try
        {
            using var map = new ExternalAppendOnlyMap<string?, int, (int Count, long Sum)>(task,
                static v => (1, v), static (c, v) => (c.Count + 1, c.Sum + v), static (a, b) => (a.Count + b.Count, a.Sum + b.Sum));
            map.InsertAll(data);
            Assert.True(map.SpillCount > 1);
            var actual = map.Iterator().ToList();
            var expected = data.GroupBy(d => d.Key).Select(g => (g.Key, (g.Count(), g.Sum(d => (long)d.Value))));
            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), actual.OrderBy(e => e.Key, StringComparer.Ordinal));
            Assert.Equal(0, TestTasks.FilesOf(task));
        }
        finally
        {
            TestTasks.End(task);
        }
    }

    [Fact]
    public void Aggregate_KeysWithCollidingHashes_KeepsThemApart()
    {
        // 2000 distinct keys share 8 hash codes, spread over many spills: equal hashes must not merge different keys.
        var data = Enumerable.Range(0, 20_000).Select(i => (Key: new Colliding(i % 2000), Value: 1)).ToArray();
        var task = TestTasks.Create(fixture.Context, TestContext.Current.CancellationToken);
        try
        {
            var actual = ExternalAppendOnlyMap<Colliding, int, int>.Aggregate(task, data, static v => v, static (c, v) => c + v, static (a, b) => a + b).ToList();
            Assert.Equal(2000, actual.Count);
            Assert.All(actual, kv => Assert.Equal(10, kv.Value));
            Assert.True(task.Metrics.SpillBytes > 0);
        }
        finally
        {
            TestTasks.End(task);
        }
    }

    /// <summary>A key whose hash code collides on purpose (public members so MessagePack round-trips it).</summary>
    public sealed record Colliding(int Id)
    {
        public override int GetHashCode() => Id % 8;
    }
}

using Dataflow.Collections;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Collections;

public sealed class HashGrouperTests(SpillingContextFixture fixture) : IClassFixture<SpillingContextFixture>
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 6)];

    [Theory, MemberData(nameof(Seeds))]
    public void GroupByKey_SkewedKeys_MatchesLinqGroupBy(int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, random.Next(5000, 20_000))
            .Select(_ => (Key: random.Next(3) == 0 ? "hot" : random.Next(50) == 0 ? null : "k" + random.Next(800), Value: random.Next(1000))).ToArray();
        var task = TestTasks.Create(fixture.Context, TestContext.Current.CancellationToken);
        try
        {
            var groups = HashGrouper.GroupByKey(task, data).Select(g => (g.Key, Values: g.Values.Order().ToList())).ToList();
            var expected = data.GroupBy(d => d.Key).Select(g => (g.Key, Values: g.Select(d => d.Value).Order().ToList()));
            Assert.Equal(
                expected.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{string.Join(',', g.Values)}"),
                groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{string.Join(',', g.Values)}"));
            Assert.True(task.Metrics.SpillBytes > 0);
        }
        finally
        {
            TestTasks.End(task);
        }
    }

    [Fact]
    public void Group_SpilledGroup_EnumeratesTwiceWithItsCount()
    {
        var task = TestTasks.Create(fixture.Context, TestContext.Current.CancellationToken);
        try
        {
            var data = Enumerable.Range(0, 30_000).Select(i => (Key: i % 3 == 0 ? "big" : "small" + (i % 7), Value: i));
            foreach (var (key, values) in HashGrouper.GroupByKey(task, data))
            {
                var group = Assert.IsType<SpillableGroup<int>>(values);
                var expected = Enumerable.Range(0, 30_000).Where(i => key == "big" ? i % 3 == 0 : i % 3 != 0 && "small" + (i % 7) == key).ToList();
                Assert.Equal(expected.Count, group.Count);
                Assert.Equal(expected, group.Order());
                Assert.Equal(expected, group.Order());
                Assert.True(group.IsSpilled, $"group {key} of {group.Count} values should exceed the 16 KiB threshold");
            }
        }
        finally
        {
            TestTasks.End(task);
        }
    }

    [Fact]
    public void Group_TwoInputsWithCollidingKeys_GroupsPerInput()
    {
        var task = TestTasks.Create(fixture.Context, TestContext.Current.CancellationToken);
        try
        {
            var left = Enumerable.Range(0, 6000).Select(i => (Key: new ExternalAppendOnlyMapTests.Colliding(i % 40), Value: i)).ToArray();
            var right = Enumerable.Range(0, 3000).Select(i => (Key: new ExternalAppendOnlyMapTests.Colliding(i % 60), Value: "r" + i)).ToArray();
            var sources = new GroupSource<ExternalAppendOnlyMapTests.Colliding>[]
            {
                GroupSource<ExternalAppendOnlyMapTests.Colliding, int>.Sort(task, left),
                GroupSource<ExternalAppendOnlyMapTests.Colliding, string>.Sort(task, right),
            };
            var seen = 0;
            foreach (var entry in HashGrouper.Group(sources))
            {
                seen++;
                var groups = entry.Boxed();
                var id = entry.Key.Id;
                Assert.Equal(left.Where(l => l.Key.Id == id).Select(l => (object?)l.Value).Order(), groups[0].Order());
                Assert.Equal(right.Where(r => r.Key.Id == id).Select(r => (object?)r.Value).Order(), groups[1].Order());
                Assert.Equal(groups[1].Aggregate(0, (n, _) => n + 1), groups[1].Count);
            }

            Assert.Equal(60, seen);
        }
        finally
        {
            TestTasks.End(task);
        }
    }

    [Fact]
    public void Group_AfterTheTaskEnded_SpilledValuesThrowAClearError()
    {
        var task = TestTasks.Create(fixture.Context, TestContext.Current.CancellationToken);
        List<(string Key, IEnumerable<int> Values)> groups;
        try
        {
            groups = [.. HashGrouper.GroupByKey(task, Enumerable.Range(0, 20_000).Select(i => ("one", i)))];
        }
        finally
        {
            TestTasks.End(task);
        }

        var e = Assert.Throws<InvalidOperationException>(() => groups[0].Values.Count());
        Assert.Contains("only be read inside the task", e.Message, StringComparison.Ordinal);
    }
}

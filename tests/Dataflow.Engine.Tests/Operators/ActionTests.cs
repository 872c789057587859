using Dataflow.Partitioning;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>Collecting and scanning actions against LINQ-to-Objects on random data with random (often empty) partitions.</summary>
public sealed class ActionTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 8)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (int[] Data, Rdd<int> Rdd) Ints(int seed)
    {
        var random = new Random(seed);
        var data = TestData.Ints(random);
        return (data, _ctx.Parallelize(data, TestData.Partitions(random, data.Length)));
    }

    private (T[] Data, Rdd<T> Rdd) Of<T>(T[] data, int seed) => (data, _ctx.Parallelize(data, TestData.Partitions(new Random(seed), data.Length)));

    private async Task<List<TaskEndEvent>> TasksOf(Func<Task> action)
    {
        await fixture.ResetEventsAsync();
        await action();
        await _ctx.Listeners.FlushAsync();
        return [.. fixture.Recorder.Events.OfType<TaskEndEvent>()];
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task ToArrayAsync_RandomInput_EqualsLinqToArray(int seed)
    {
        var (data, rdd) = Ints(seed);
        Assert.Equal(data.ToArray(), await rdd.ToArrayAsync(Ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task ToDictionaryAsync_PairsWithDistinctKeys_EqualsLinqToDictionary(int seed)
    {
        var pairs = TestData.Pairs(new Random(seed)).DistinctBy(p => p.Key).ToArray();
        var (data, rdd) = Of(pairs, seed);
        Assert.Equal(data.ToDictionary(), await rdd.ToDictionaryAsync(Ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task ToDictionaryAsync_KeyAndElementSelectors_EqualLinqToDictionary(int seed)
    {
        var (data, rdd) = Of(TestData.Ints(new Random(seed)).Distinct().ToArray(), seed);
        Assert.Equal(data.ToDictionary(x => x * 2), await rdd.ToDictionaryAsync(x => x * 2, cancellationToken: Ct));
        Assert.Equal(data.ToDictionary(x => -x, x => $"v{x}"), await rdd.ToDictionaryAsync(x => -x, x => $"v{x}", cancellationToken: Ct));
    }

    [Fact]
    public async Task ToDictionaryAsync_DuplicateKey_ThrowsArgumentExceptionNamingTheKey()
    {
        var data = new (string Key, int Value)[] { ("a", 1), ("dup-key", 2), ("b", 3), ("c", 4), ("dup-key", 5) };
        Assert.Throws<ArgumentException>(() => data.ToDictionary());
        var rdd = _ctx.Parallelize(data, 3);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => rdd.ToDictionaryAsync(Ct));
        Assert.Contains("Key: dup-key", error.Message, StringComparison.Ordinal);
        var viaSelector = await Assert.ThrowsAsync<ArgumentException>(() => rdd.ToDictionaryAsync(p => p.Value % 2, cancellationToken: Ct));
        Assert.Contains("Key: 1", viaSelector.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToDictionaryAsync_WithComparer_ComparesKeysWithIt()
    {
        var rdd = _ctx.Parallelize(new (string Key, int Value)[] { ("Alpha", 1), ("beta", 2) }, 2);
        var dictionary = await rdd.ToDictionaryAsync(StringComparer.OrdinalIgnoreCase, Ct);
        Assert.Equal(1, dictionary["ALPHA"]);
        var clash = _ctx.Parallelize(new (string Key, int Value)[] { ("x", 1), ("X", 2) }, 2);
        Assert.Equal(2, (await clash.ToDictionaryAsync(Ct)).Count);
        await Assert.ThrowsAsync<ArgumentException>(() => clash.ToDictionaryAsync(StringComparer.OrdinalIgnoreCase, Ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task FirstAsync_WithAndWithoutPredicate_EqualsLinq(int seed)
    {
        var (data, rdd) = Ints(seed);
        var threshold = new Random(seed).Next(30, 60);
        Assert.Equal(data.FirstOrDefault(), await rdd.FirstOrDefaultAsync(Ct));
        Assert.Equal(data.FirstOrDefault(x => x > threshold), await rdd.FirstOrDefaultAsync(x => x > threshold, Ct));
        if (data.Length > 0)
        {
            Assert.Equal(data.First(), await rdd.FirstAsync(Ct));
        }
        else
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => rdd.FirstAsync(Ct));
        }

        if (data.Any(x => x > threshold))
        {
            Assert.Equal(data.First(x => x > threshold), await rdd.FirstAsync(x => x > threshold, Ct));
        }
        else
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => rdd.FirstAsync(x => x > threshold, Ct));
            Assert.Contains("no matching element", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FirstAsync_FirstPartitionHasData_RunsOneTaskNamedFirstAsync()
    {
        var rdd = _ctx.Parallelize(Enumerable.Range(10, 1000), 10);
        var tasks = await TasksOf(async () => Assert.Equal(10, await rdd.FirstAsync(Ct)));
        Assert.Single(tasks);
        Assert.Equal(nameof(Rdd.FirstAsync), fixture.Recorder.Events.OfType<JobStartEvent>().Single().CallSite.Operation);
    }

    [Fact]
    public async Task FirstOrDefaultAsync_NoMatch_ReturnsDefault()
    {
        var rdd = _ctx.Parallelize(new[] { "a", "b" }, 2);
        Assert.Null(await rdd.FirstOrDefaultAsync(s => s == "z", Ct));
        Assert.Equal("b", await rdd.FirstOrDefaultAsync(s => s == "b", Ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task IsEmptyAsync_RandomInput_EqualsNotAny(int seed)
    {
        var (data, rdd) = Ints(seed);
        Assert.Equal(data.Length == 0, await rdd.IsEmptyAsync(Ct));
        Assert.Equal(!data.Any(x => x == 7), await rdd.Where(x => x == 7).IsEmptyAsync(Ct));
    }

    [Fact]
    public async Task IsEmptyAsync_OnlyLastPartitionHasData_IsFalseAndFirstPartitionAloneIsScannedFirst()
    {
        var rdd = _ctx.Parallelize(Enumerable.Range(0, 12), 12).Where(x => x == 11);
        var tasks = await TasksOf(async () => Assert.False(await rdd.IsEmptyAsync(Ct)));
        Assert.Equal(12, tasks.Count);
        Assert.Equal(0, fixture.Recorder.Events.OfType<TaskStartEvent>().First().Task.PartitionId);
        var nonEmpty = _ctx.Parallelize(Enumerable.Range(0, 12), 12);
        Assert.Single(await TasksOf(async () => Assert.False(await nonEmpty.IsEmptyAsync(Ct))));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task TopAndTakeOrdered_RandomInputAndCount_EqualLinqOrderTake(int seed)
    {
        var (data, rdd) = Ints(seed);
        var count = new Random(seed).Next(0, data.Length + 5);
        Assert.Equal(data.OrderDescending().Take(count), await rdd.TopAsync(count, cancellationToken: Ct));
        Assert.Equal(data.Order().Take(count), await rdd.TakeOrderedAsync(count, cancellationToken: Ct));
        var reversed = Comparer<int>.Create((a, b) => b.CompareTo(a));
        Assert.Equal(data.Order(reversed).Take(count), await rdd.TakeOrderedAsync(count, reversed, Ct));
        Assert.Equal(data.OrderDescending(reversed).Take(count), await rdd.TopAsync(count, reversed, Ct));
    }

    [Fact]
    public async Task TopAsync_Strings_UsesTheComparer()
    {
        var words = new[] { "pear", "Apple", "fig", "banana", "apple", "Kiwi" };
        var rdd = _ctx.Parallelize(words, 4);
        Assert.Equal(words.OrderDescending(StringComparer.Ordinal).Take(3), await rdd.TopAsync(3, StringComparer.Ordinal, Ct));
        Assert.Equal(words.Order(StringComparer.Ordinal).Take(2), await rdd.TakeOrderedAsync(2, StringComparer.Ordinal, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => rdd.TopAsync(-1, cancellationToken: Ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task CountByKeyAndValue_RandomSkewedInput_EqualLinqGroupByCount(int seed)
    {
        var (data, rdd) = Of(TestData.Pairs(new Random(seed)), seed);
        Assert.Equal(data.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.LongCount()), await rdd.CountByKeyAsync(Ct));
        Assert.Equal(data.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.LongCount()), await rdd.Values().CountByValueAsync(Ct));
    }

    [Fact]
    public async Task CountByKeyAsync_PartitionedInput_CountsWithoutAnotherShuffle()
    {
        var partitioned = _ctx.Parallelize(TestData.Pairs(new Random(3)), 4).PartitionBy(new HashPartitioner(3));
        var total = await partitioned.CountAsync(Ct);
        await fixture.ResetEventsAsync();
        var counts = await partitioned.CountByKeyAsync(Ct);
        await _ctx.Listeners.FlushAsync();
        Assert.Single(fixture.Recorder.StagesRunSinceClear);
        Assert.Equal(total, counts.Values.Sum());
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task LookupAsync_WithoutPartitioner_EqualsLinqWhere(int seed)
    {
        var (data, rdd) = Of(TestData.Pairs(new Random(seed)), seed);
        foreach (var key in new[] { "hot", "k3", "missing" })
        {
            Assert.Equal(data.Where(p => p.Key == key).Select(p => p.Value), await rdd.LookupAsync(key, Ct));
        }
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task LookupAsync_WithPartitioner_RunsOneTaskOnTheKeysPartition(int seed)
    {
        var data = TestData.Pairs(new Random(seed));
        var partitioner = new HashPartitioner(new Random(seed).Next(2, 9));
        var rdd = _ctx.Parallelize(data, 3).PartitionBy(partitioner);
        await rdd.CountAsync(Ct);
        foreach (var key in new[] { "hot", "k7", "missing" })
        {
            List<int> values = [];
            var tasks = await TasksOf(async () => values = await rdd.LookupAsync(key, Ct));
            Assert.Equal(partitioner.GetPartition(key), Assert.Single(tasks).Task.PartitionId);
            Assert.Equal(data.Where(p => p.Key == key).Select(p => p.Value).Order(), values.Order());
        }
    }

    [Fact]
    public async Task LookupAsync_RangePartitionedBeforeAnyAction_SamplesThenComputesOnlyTheKeysPartition()
    {
        var data = TestData.Pairs(new Random(11));
        var sorted = _ctx.Parallelize(data, 4).SortByKey(numPartitions: 5);
        await fixture.ResetEventsAsync();
        var values = await sorted.LookupAsync("k12", Ct);
        await _ctx.Listeners.FlushAsync();
        Assert.Equal(data.Where(p => p.Key == "k12").Select(p => p.Value).Order(), values.Order());
        var lookupJob = fixture.Recorder.Events.OfType<JobStartEvent>().Single(j => j.CallSite.Operation == nameof(Rdd.LookupAsync));
        Assert.Equal(1, Assert.Single(fixture.Recorder.StagesRun(lookupJob.JobId), s => s.Stage.ShuffleId is null).Stage.NumTasks);
    }

    [Fact]
    public async Task CountByValueAndToDictionary_NullKey_ThrowArgumentNullException()
    {
#pragma warning disable CS8714, CS8621 // The null key is the point of the test.
        var rdd = _ctx.Parallelize(new string?[] { "a", null, "a" }, 2);
        await Assert.ThrowsAsync<ArgumentNullException>(() => rdd.CountByValueAsync(Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => rdd.ToDictionaryAsync(s => s, cancellationToken: Ct));
#pragma warning restore CS8714, CS8621
    }
}

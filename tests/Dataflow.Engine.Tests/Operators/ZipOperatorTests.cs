using System.Globalization;
using Dataflow.Partitioning;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>Zip, ZipPartitions, ZipWithIndex and ZipWithUniqueId against LINQ-to-Objects on random partitioning.</summary>
public sealed class ZipOperatorTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 12)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (int[] Data, Rdd<int> Rdd) Input(int seed)
    {
        var random = new Random(seed);
        var data = TestData.Ints(random);
        return (data, _ctx.Parallelize(data, TestData.Partitions(random, data.Length)));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Zip_PartitionwiseEqualRdds_MatchesLinqZip(int seed)
    {
        var (data, rdd) = Input(seed);
        var text = rdd.Select(x => x.ToString(CultureInfo.InvariantCulture));
        var zipped = rdd.Zip(text);
        Assert.Null(zipped.Partitioner);
        Assert.Equal(data.Zip(data.Select(x => x.ToString(CultureInfo.InvariantCulture))), await zipped.ToListAsync(Ct));
    }

    [Fact]
    public void Zip_DifferentPartitionCounts_ThrowsWhenBuiltNamingBothCounts()
    {
        var three = _ctx.Parallelize(Enumerable.Range(0, 12), 3);
        var four = _ctx.Parallelize(Enumerable.Range(0, 12), 4);
        var error = Assert.Throws<ArgumentException>(() => three.Zip(four));
        Assert.Contains($"3 (RDD {three.Id})", error.Message, StringComparison.Ordinal);
        Assert.Contains($"4 (RDD {four.Id})", error.Message, StringComparison.Ordinal);
        var partitionsError = Assert.Throws<ArgumentException>(() => four.ZipPartitions(three, (a, b) => a.Concat(b)));
        Assert.Contains($"4 (RDD {four.Id})", partitionsError.Message, StringComparison.Ordinal);
        Assert.Contains($"3 (RDD {three.Id})", partitionsError.Message, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task Zip_OnePartitionShorter_FailsTheJobNamingPartitionAndLengths(int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, random.Next(1, 200)).ToArray();
        var rdd = _ctx.Parallelize(data, TestData.Partitions(random, data.Length));
        var parts = await rdd.Glom().ToListAsync(Ct);
        var victim = data[random.Next(data.Length)];
        var partition = parts.FindIndex(p => p.Contains(victim));
        var dropped = parts[partition].Where(_ => random.Next(3) == 0).DefaultIfEmpty(parts[partition][0]).ToHashSet();
        var shorter = rdd.Where(x => !dropped.Contains(x));
        var (longLength, shortLength) = (parts[partition].Length, parts[partition].Length - dropped.Count);
        var shorterFirst = random.Next(2) == 0;
        var (first, second) = shorterFirst ? (shorter, rdd) : (rdd, shorter);
        var (firstLength, secondLength) = shorterFirst ? (shortLength, longLength) : (longLength, shortLength);

        var error = await Assert.ThrowsAsync<JobFailedException>(() => first.Zip(second).ToListAsync(Ct));
        Assert.Equal(partition, error.Partition);
        var cause = Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains($"partition {partition} has {firstLength} element(s) in the first RDD", cause.Message, StringComparison.Ordinal);
        Assert.Contains($"and {secondLength} in the second", cause.Message, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task ZipPartitions_UnequalLengths_CombinesPartitionByPartition(int seed)
    {
        var (data, rdd) = Input(seed);
        var evens = rdd.Where(x => x % 2 == 0).Select(x => (long)x);
        var merged = rdd.ZipPartitions(evens, (a, b) => new[] { (a.Count(), b.Sum()) });
        var expected = (await rdd.Glom().ToListAsync(Ct)).Select(p => (p.Length, p.Where(x => x % 2 == 0).Sum(x => (long)x)));
        Assert.Equal(expected, await merged.ToListAsync(Ct));
        Assert.Equal(data.Length, (await merged.ToListAsync(Ct)).Sum(p => p.Item1));
    }

    [Fact]
    public void ZipPartitions_PreservesPartitioning_OnlyWhenAsked()
    {
        var partitioner = new HashPartitioner(2);
        var pairs = _ctx.Parallelize(Enumerable.Range(0, 10).Select(i => (i, i)), 2).PartitionBy(partitioner);
        Assert.Same(partitioner, pairs.ZipPartitions(pairs, (a, _) => a, preservesPartitioning: true).Partitioner);
        Assert.Null(pairs.ZipPartitions(pairs, (a, _) => a).Partitioner);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task ZipWithIndex_RandomInput_EqualsLinqSelectWithIndex(int seed)
    {
        var (data, rdd) = Input(seed);
        var expected = data.Select((x, i) => (x, (long)i)).ToList();
        Assert.Equal(expected, await rdd.ZipWithIndex().ToListAsync(Ct));

        // Upstream of a shuffle the count job reuses the shuffle output, and the numbering follows the shuffled order.
        var shuffled = rdd.Repartition(3);
        var indexed = await shuffled.ZipWithIndex().ToListAsync(Ct);
        Assert.Equal(await shuffled.ToListAsync(Ct), indexed.Select(p => p.Value));
        Assert.Equal(Enumerable.Range(0, data.Length).Select(i => (long)i), indexed.Select(p => p.Index));
    }

    [Fact]
    public async Task ZipWithIndex_BuildingRunsNothing_FirstActionCountsAllButTheLastPartitionOnce()
    {
        var rdd = _ctx.Range(0, 100, 1, 4);
        await fixture.ResetEventsAsync();
        var indexed = rdd.ZipWithIndex();
        await _ctx.Listeners.FlushAsync();
        Assert.Empty(fixture.Recorder.Events.OfType<JobStartEvent>());

        Assert.Equal(4950, (await indexed.Select(p => p.Index).ToListAsync(Ct)).Sum());
        await _ctx.Listeners.FlushAsync();
        var jobs = fixture.Recorder.Events.OfType<JobStartEvent>().ToList();
        Assert.Equal(2, jobs.Count);
        Assert.Equal(3, jobs[0].Stages[^1].NumTasks);
        Assert.Equal(4, jobs[1].Stages[^1].NumTasks);

        await fixture.ResetEventsAsync();
        Assert.Equal(100, await indexed.CountAsync(Ct));
        await _ctx.Listeners.FlushAsync();
        Assert.Single(fixture.Recorder.Events.OfType<JobStartEvent>());
    }

    [Fact]
    public async Task ZipWithIndex_SinglePartition_RunsNoCountJob()
    {
        var indexed = _ctx.Parallelize(new[] { "a", "b", "c" }, 1).ZipWithIndex();
        await fixture.ResetEventsAsync();
        Assert.Equal([("a", 0L), ("b", 1L), ("c", 2L)], await indexed.ToListAsync(Ct));
        await _ctx.Listeners.FlushAsync();
        Assert.Single(fixture.Recorder.Events.OfType<JobStartEvent>());
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task ZipWithUniqueId_RandomInput_NumbersKTimesNPlusPartition(int seed)
    {
        var (data, rdd) = Input(seed);
        var n = rdd.NumPartitions;
        var parts = await rdd.Glom().ToListAsync(Ct);
        var expected = parts.SelectMany((part, p) => part.Select((x, k) => (x, ((long)k * n) + p)));
        await fixture.ResetEventsAsync();
        var actual = await rdd.ZipWithUniqueId().ToListAsync(Ct);
        await _ctx.Listeners.FlushAsync();
        Assert.Single(fixture.Recorder.Events.OfType<JobStartEvent>());
        Assert.Equal(expected, actual);
        Assert.Equal(data, actual.Select(p => p.Value));
        Assert.Equal(actual.Count, actual.Select(p => p.Id).Distinct().Count());
    }
}

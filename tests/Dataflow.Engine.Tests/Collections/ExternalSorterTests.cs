using Dataflow.Collections;
using Dataflow.Partitioning;
using Dataflow.Serialization.Records;
using Dataflow.Shuffle;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Collections;

/// <summary>The external sorter against LINQ, with a spill threshold small enough for many runs (and multi-pass merges).</summary>
public sealed class ExternalSorterTests(SpillingContextFixture fixture) : IClassFixture<SpillingContextFixture>
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 6)];

    private static (string Key, int Value)[] Pairs(Random random, int count, int keys) =>
        [.. Enumerable.Range(0, count).Select(_ => (random.Next(5) == 0 ? "hot" : "k" + random.Next(keys), random.Next(-1000, 1000)))];

    [Theory, MemberData(nameof(Seeds))]
    public void ForOrdering_ManyRuns_SortsLikeLinqAndCleansUp(int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, random.Next(20_000, 40_000)).Select(_ => (Key: random.Next(100_000), Value: random.Next())).ToArray();
        var task = TestTasks.Create(fixture.Context, TestContext.Current.CancellationToken);
        try
        {
            var sorter = ExternalSorter<int, int>.ForOrdering(task, Comparer<int>.Default);
            sorter.InsertAll(data);
            Assert.True(sorter.SpillCount > ExternalSorter<int, int>.MaxMergeFanIn, $"expected more runs than one merge takes, got {sorter.SpillCount}");
            var sorted = sorter.Iterator().ToList();
            Assert.Equal(data.Select(d => d.Key).Order(), sorted.Select(d => d.Key));
            Assert.Equal(data.Order(), sorted.Order());
            Assert.Equal(0, TestTasks.FilesOf(task));
            Assert.Equal(0, task.Memory.Used);
            Assert.True(task.Metrics.SpillBytes > 0);
        }
        finally
        {
            TestTasks.End(task);
        }
    }

    [Theory, MemberData(nameof(Seeds))]
    public void ForShuffle_WithCombine_WritesOneCombinedRecordPerKeyInItsPartition(int seed)
    {
        var random = new Random(seed);
        var data = Pairs(random, 15_000, 3000);
        var partitioner = new HashPartitioner(random.Next(1, 6));
        var task = TestTasks.Create(fixture.Context, TestContext.Current.CancellationToken);
        try
        {
            using var sorter = ExternalSorter<string, long>.ForShuffle(task, partitioner, static (a, b) => a + b);
            foreach (var (key, value) in data)
            {
                sorter.Combine(key, value, static v => (long)v, static (c, v) => c + v);
            }

            Assert.True(sorter.SpillCount > 1);
            var output = new MemoryMapOutput(partitioner.NumPartitions);
            sorter.WritePartitioned(output);
            var expected = data.GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.Sum(d => (long)d.Value));
            var seen = new Dictionary<string, long>();
            for (var p = 0; p < partitioner.NumPartitions; p++)
            {
                foreach (var (key, sum) in output.Block<(string, long)>(p))
                {
                    Assert.Equal(p, partitioner.GetPartition(key));
                    seen.Add(key, sum);
                }
            }

            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), seen.OrderBy(e => e.Key, StringComparer.Ordinal));
            Assert.Equal(0, TestTasks.FilesOf(task));
        }
        finally
        {
            TestTasks.End(task);
        }
    }

    [Fact]
    public void ForShuffle_WithoutCombine_KeepsEveryRecordAndWritesEmptyBlocks()
    {
        var data = Pairs(new Random(7), 10_000, 500);
        var partitioner = new HashPartitioner(7);
        var task = TestTasks.Create(fixture.Context, TestContext.Current.CancellationToken);
        try
        {
            using var sorter = ExternalSorter<string, int>.ForShuffle(task, partitioner, null);
            sorter.InsertAll(data);
            var output = new MemoryMapOutput(partitioner.NumPartitions);
            sorter.WritePartitioned(output);
            var all = Enumerable.Range(0, 7).SelectMany(p => output.Block<(string Key, int Value)>(p).Select(r => (p, r))).ToList();
            Assert.All(all, x => Assert.Equal(x.p, partitioner.GetPartition(x.r.Key)));
            Assert.Equal(data.Order(), all.Select(x => x.r).Order());
        }
        finally
        {
            TestTasks.End(task);
        }
    }

    [Fact]
    public void Iterator_AbandonedAfterSpills_DeletesItsRunsAndReleasesMemory()
    {
        var task = TestTasks.Create(fixture.Context, TestContext.Current.CancellationToken);
        try
        {
            var sorter = ExternalSorter<int, string>.ForOrdering(task, Comparer<int>.Default);
            sorter.InsertAll(Enumerable.Range(0, 20_000).Select(i => (-i, "value " + i)));
            Assert.True(TestTasks.FilesOf(task) > 1);
            using (var enumerator = sorter.Iterator().GetEnumerator())
            {
                Assert.True(enumerator.MoveNext());
                Assert.Equal(-19_999, enumerator.Current.Key);
            }

            Assert.Equal(0, TestTasks.FilesOf(task));
            Assert.Equal(0, task.Memory.Used);
        }
        finally
        {
            TestTasks.End(task);
        }
    }

    /// <summary>An in-memory map output: one byte array per partition.</summary>
    private sealed class MemoryMapOutput(int partitions) : IMapOutputWriter
    {
        private readonly MemoryStream _stream = new();
        private readonly List<long> _ends = [];

        public Stream Stream => _stream;

        public void EndPartition(int partition)
        {
            Assert.Equal(_ends.Count, partition);
            _ends.Add(_stream.Position);
        }

        public MapStatus Commit() => throw new NotSupportedException();

        public void Dispose() => _stream.Dispose();

        public List<T> Block<T>(int partition)
        {
            Assert.Equal(partitions, _ends.Count);
            var start = partition == 0 ? 0 : _ends[partition - 1];
            var bytes = _stream.ToArray()[(int)start..(int)_ends[partition]];
            return [.. RecordBatchReader.Read<T>(new MemoryStream(bytes), bytes.Length, $"block {partition}")];
        }
    }
}

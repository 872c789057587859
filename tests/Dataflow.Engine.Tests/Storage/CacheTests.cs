using Dataflow.Configuration;
using Dataflow.Storage;

namespace Dataflow.Tests.Storage;

public sealed class CacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("MemoryOnly")]
    [InlineData("MemoryAndDisk")]
    [InlineData("DiskOnly")]
    [InlineData("MemoryOnlySerialized")]
    [InlineData("MemoryAndDiskSerialized")]
    public async Task Persist_LaterJobsReadStoredPartitionsInsteadOfRecomputing(string levelName)
    {
        var level = Level(levelName);
        await using var ctx = new DataflowContext("local[2]");
        var computations = 0;
        var rdd = ctx.Parallelize(Enumerable.Range(0, 1000), 5).Select(x =>
        {
            Interlocked.Increment(ref computations);
            return (x, $"v{x}");
        }).Persist(level);
        Assert.Equal(1000, await rdd.CountAsync(Ct));
        Assert.Equal(1000, computations);
        var all = await rdd.Select(p => p.Item2).ToListAsync(Ct);
        Assert.Equal(Enumerable.Range(0, 1000).Select(x => $"v{x}"), all);
        Assert.Equal(1000, computations);
        Assert.Contains($"persisted {levelName}: 5/5 partitions stored", rdd.Explain(), StringComparison.Ordinal);
        await rdd.UnpersistAsync();
        Assert.Equal(1000, await rdd.CountAsync(Ct));
        Assert.Equal(2000, computations);
    }

    [Fact]
    public async Task MemoryAndDisk_OverBudget_EvictsToDiskAndStaysCorrect()
    {
        var options = new DataflowOptions { Master = "local[2]" };
        options.Executor.Memory = ByteSize.FromKiB(400);
        await using var ctx = new DataflowContext(options);
        var computations = 0;
        var a = ctx.Parallelize(Enumerable.Range(0, 20_000), 4).Select(x => { Interlocked.Increment(ref computations); return new string('a', 10) + x; })
            .Persist(StorageLevel.MemoryAndDisk);
        var b = ctx.Parallelize(Enumerable.Range(0, 20_000), 4).Select(x => { Interlocked.Increment(ref computations); return new string('b', 10) + x; })
            .Persist(StorageLevel.MemoryAndDisk);
        Assert.Equal(20_000, await a.CountAsync(Ct));
        Assert.Equal(20_000, await b.CountAsync(Ct));
        Assert.True(ctx.Environment.BlockManager.MemoryUsed <= ctx.Environment.BlockManager.MemoryBudget);
        Assert.Equal(Enumerable.Range(0, 20_000).Select(x => "aaaaaaaaaa" + x), await a.ToListAsync(Ct));
        Assert.Equal(Enumerable.Range(0, 20_000).Select(x => "bbbbbbbbbb" + x), await b.ToListAsync(Ct));
        Assert.Equal(40_000, computations);
    }

    [Fact]
    public async Task MemoryOnly_OverBudget_RecomputesWhatDidNotFit()
    {
        var options = new DataflowOptions { Master = "local[2]" };
        options.Executor.Memory = ByteSize.FromKiB(100);
        await using var ctx = new DataflowContext(options);
        var computations = 0;
        var rdd = ctx.Parallelize(Enumerable.Range(0, 50_000), 2).Select(x => { Interlocked.Increment(ref computations); return x.ToString(System.Globalization.CultureInfo.InvariantCulture); }).Cache();
        Assert.Equal(50_000, await rdd.CountAsync(Ct));
        Assert.Equal(50_000, await rdd.CountAsync(Ct));
        Assert.Equal(100_000, computations);
    }

    [Fact]
    public async Task Persist_ChangingLevelWithoutUnpersist_IsRejected()
    {
        await using var ctx = new DataflowContext("local[2]");
        var rdd = ctx.Range(0, 10).Cache();
        Assert.Same(rdd, rdd.Cache());
        Assert.Throws<InvalidOperationException>(() => rdd.Persist(StorageLevel.DiskOnly));
        await rdd.UnpersistAsync();
        Assert.Same(rdd, rdd.Persist(StorageLevel.DiskOnly));
    }

    [Fact]
    public async Task CachedShuffledRdd_LaterJobNeedsNoMapStage()
    {
        await using var ctx = new DataflowContext("local[2]");
        var recorder = new Support.EventRecorder();
        ctx.Listeners.Add(recorder);
        var reduced = ctx.Range(0, 1000, 1, 4).Select(x => (x % 10, 1L)).ReduceByKey((a, b) => a + b, 3).Cache();
        await reduced.CountAsync(Ct);
        ctx.MapOutputs.UnregisterShuffle(0);
        // The shuffle output is gone, but every partition is cached: the next job runs only its result stage.
        Assert.Equal(1000, (await reduced.ToListAsync(Ct)).Sum(kv => kv.Item2));
        await ctx.Listeners.FlushAsync();
        Assert.Single(recorder.StagesRun(recorder.LastJobId));
    }

    [Fact]
    public async Task ExecutionMemory_EvictsCachedBlocks_NotTheReverse()
    {
        var options = new DataflowOptions { Master = "local[2]" };
        options.Executor.Memory = ByteSize.FromMiB(16);
        await using var ctx = new DataflowContext(options);
        var cached = ctx.Parallelize(Enumerable.Range(0, 60_000), 2).Select(x => "cached-record-" + x).Cache();
        await cached.CountAsync(Ct);
        var before = ctx.Environment.BlockManager.MemoryUsed;
        Assert.True(before > 0, "the cached RDD should occupy storage memory");
        // A shuffle whose buffers want every byte of the budget: execution takes the memory back from the cache.
        var sums = await ctx.Range(0, 400_000, 1, 2).Select(x => ("key-" + x, x)).ReduceByKey((a, b) => a + b, 2).CountAsync(Ct);
        Assert.Equal(400_000, sums);
        Assert.True(ctx.Environment.BlockManager.MemoryUsed < before, $"cache kept {ctx.Environment.BlockManager.MemoryUsed} of {before} bytes");
        Assert.Equal(60_000, await cached.CountAsync(Ct));
    }

    // What the record generators below saw; each is used by one test only.
    private static WeakReference<string>? s_firstRecord;
    private static bool s_firstAliveAtEnd;
    private static int s_generated;

    [Theory]
    [InlineData("MemoryAndDisk")]
    [InlineData("DiskOnly")]
    [InlineData("MemoryAndDiskSerialized")]
    public async Task Persist_PartitionLargerThanMemory_StreamsToDiskWithoutHoldingItWhole(string levelName)
    {
        var level = Level(levelName);
        var options = new DataflowOptions { Master = "local[1]" };
        options.Executor.Memory = ByteSize.FromMiB(1);
        await using var ctx = new DataflowContext(options);
        s_generated = 0;
        // One partition of about 10 MB of strings: ten times the executor's memory.
        var rdd = ctx.Parallelize([5_000], 1).SelectMany(n => LargeRecords(n)).Persist(level);

        Assert.Equal(5_000, await rdd.CountAsync(Ct));
        Assert.False(s_firstAliveAtEnd, "the first record was still referenced when the last was computed: the partition was held whole");
        Assert.Equal(Enumerable.Range(0, 5_000).Sum(i => 1_000L + i.ToString(System.Globalization.CultureInfo.InvariantCulture).Length), await rdd.Select(r => (long)r.Length).SumAsync(Ct));
        Assert.Equal(5_000, s_generated);
        Assert.Equal(0, ctx.Environment.BlockManager.MemoryUsed);
        Assert.Equal(0, ctx.Environment.Memory.StorageUsed);
        Assert.Contains($"persisted {levelName}: 1/1 partitions stored", rdd.Explain(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MemoryOnly")]
    [InlineData("MemoryOnlySerialized")]
    public async Task MemoryOnly_PartitionLargerThanMemory_IsReturnedUncachedAndItsMemoryReleased(string levelName)
    {
        var options = new DataflowOptions { Master = "local[1]" };
        options.Executor.Memory = ByteSize.FromMiB(1);
        await using var ctx = new DataflowContext(options);
        s_generated = 0;
        var rdd = ctx.Parallelize([5_000], 1).SelectMany(n => LargeRecords(n)).Persist(Level(levelName));

        Assert.Equal(5_000, await rdd.CountAsync(Ct));
        Assert.Equal(5_000, await rdd.CountAsync(Ct));
        Assert.Equal(10_000, s_generated);
        Assert.Equal(0, ctx.Environment.Memory.StorageUsed);
        Assert.Contains($"persisted {levelName}: 0/1 partitions stored", rdd.Explain(), StringComparison.Ordinal);

        // A reader that stops early releases the memory of what was unrolled too.
        Assert.Equal(3, (await rdd.TakeAsync(3, Ct)).Count);
        Assert.InRange(s_generated, 10_003, 14_999);
        Assert.Equal(0, ctx.Environment.Memory.StorageUsed);
    }

    [Theory]
    [InlineData("MemoryAndDisk")]
    [InlineData("DiskOnly")]
    [InlineData("MemoryAndDiskSerialized")]
    public async Task Persist_ComputationFailsWhileStreamingToDisk_LeavesNoBlockFile(string levelName)
    {
        var level = Level(levelName);
        var root = Path.Combine(Path.GetTempPath(), "dataflow-test-" + Guid.NewGuid().ToString("N"));
        var options = new DataflowOptions { Master = "local[1]" };
        options.Executor.Memory = ByteSize.FromMiB(1);
        options.Shuffle.LocalDirectory = root;
        options.Scheduler.MaxTaskFailures = 1;
        try
        {
            await using var ctx = new DataflowContext(options);
            var rdd = ctx.Parallelize([5_000], 1).SelectMany(n => LargeRecords(n).Select(r => r.EndsWith("4000", StringComparison.Ordinal) ? throw new InvalidDataException("bad record 4000") : r)).Persist(level);

            var error = await Assert.ThrowsAsync<JobFailedException>(() => rdd.CountAsync(Ct));

            Assert.IsType<InvalidDataException>(error.InnerException);
            Assert.DoesNotContain(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories), f => f.Contains("blocks", StringComparison.Ordinal));
            Assert.Contains($"persisted {levelName}: 0/1 partitions stored", rdd.Explain(), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Serialized_HoldsItsBytesNotObjects_AndSurvivesEvictionToDisk()
    {
        var options = new DataflowOptions { Master = "local[1]" };
        options.Executor.Memory = ByteSize.FromMiB(64);
        await using var ctx = new DataflowContext(options);
        var records = Enumerable.Range(0, 100_000).Select(i => (i, (long)i * 3, i % 7 == 0)).ToArray();
        var objects = ctx.Parallelize(records, 1).Cache();
        var serialized = ctx.Parallelize(records, 1).Persist(StorageLevel.MemoryAndDiskSerialized);

        await objects.CountAsync(Ct);
        var objectBytes = ctx.Environment.BlockManager.MemoryUsed;
        await serialized.CountAsync(Ct);
        var serializedBytes = ctx.Environment.BlockManager.MemoryUsed - objectBytes;
        await using (var stream = ctx.Environment.BlockManager.OpenSerialized(new RddBlockId(serialized.Id, 0)))
        {
            Assert.Equal(stream!.Length, serializedBytes);
        }

        Assert.True(serializedBytes * 2 < objectBytes, $"serialised {serializedBytes} bytes vs objects {objectBytes}");
        Assert.Equal(records, await serialized.ToArrayAsync(Ct));

        // Execution takes the memory back: the serialised block goes to disk and is still read, not recomputed.
        ctx.Environment.BlockManager.EvictBlocksToFreeSpace(long.MaxValue);
        Assert.Equal(0, ctx.Environment.BlockManager.MemoryUsed);
        Assert.Equal(records, await serialized.ToArrayAsync(Ct));
        Assert.Contains("persisted MemoryAndDiskSerialized: 1/1 partitions stored", serialized.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvictedBlockThatCannotBeWrittenToDisk_IsDroppedAndRecomputed()
    {
        await using var ctx = new DataflowContext("local[1]");
        var computed = ctx.LongAccumulator("computed");
        var cached = ctx.Parallelize(Enumerable.Range(0, 1_000).ToArray(), 1).Select(x => { computed.Add(1); return x * 2; }).Persist(StorageLevel.MemoryAndDisk);
        Assert.Equal(1_000, await cached.CountAsync(Ct));
        // A file where the block directory should be: every disk write fails.
        await File.WriteAllTextAsync(Path.Combine(ctx.WorkDirectory, "blocks"), "in the way", Ct);

        ctx.Environment.BlockManager.EvictBlocksToFreeSpace(long.MaxValue);

        Assert.Equal(0, ctx.Environment.BlockManager.MemoryUsed);
        Assert.Equal(Enumerable.Range(0, 1_000).Sum(x => x * 2L), await cached.Select(x => (long)x).SumAsync(Ct));
        Assert.Equal(2_000, computed.Value);
    }

    private static StorageLevel Level(string name) => name switch
    {
        "MemoryOnly" => StorageLevel.MemoryOnly,
        "MemoryAndDisk" => StorageLevel.MemoryAndDisk,
        "DiskOnly" => StorageLevel.DiskOnly,
        "MemoryOnlySerialized" => StorageLevel.MemoryOnlySerialized,
        _ => StorageLevel.MemoryAndDiskSerialized,
    };

    private static IEnumerable<string> LargeRecords(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var record = new string('x', 1_000) + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (i == 0)
            {
                s_firstRecord = new WeakReference<string>(record);
            }
            else if (i == count - 1)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                s_firstAliveAtEnd = s_firstRecord!.TryGetTarget(out _);
            }

            Interlocked.Increment(ref s_generated);
            yield return record;
        }
    }
}

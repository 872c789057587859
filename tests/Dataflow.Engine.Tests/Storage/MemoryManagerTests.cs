using Dataflow.Storage;

namespace Dataflow.Tests.Storage;

public sealed class MemoryManagerTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void AcquireExecution_OneTask_GrantsUpToTheBudgetThenNothing()
    {
        var memory = new MemoryManager(16 * MiB);
        Assert.Equal(10 * MiB, memory.AcquireExecution(1, 10 * MiB));
        Assert.Equal(6 * MiB, memory.AcquireExecution(1, 10 * MiB));
        Assert.Equal(0, memory.AcquireExecution(1, 1));
        Assert.Equal(16 * MiB, memory.ExecutionUsed);
    }

    [Fact]
    public void AcquireExecution_TwoTasks_EachIsCappedAtHalfOnceTheSecondAsks()
    {
        var memory = new MemoryManager(16 * MiB);
        Assert.Equal(6 * MiB, memory.AcquireExecution(1, 6 * MiB));
        Assert.Equal(8 * MiB, memory.AcquireExecution(2, 12 * MiB));
        Assert.Equal(2 * MiB, memory.AcquireExecution(1, 12 * MiB));
        Assert.Equal(0, memory.AcquireExecution(2, 1));
    }

    [Fact]
    public void ReleaseAllExecution_EndedTask_GivesItsShareToTheOthers()
    {
        var memory = new MemoryManager(16 * MiB);
        memory.AcquireExecution(1, 8 * MiB);
        memory.AcquireExecution(2, 8 * MiB);
        Assert.Equal(8 * MiB, memory.ReleaseAllExecution(1));
        Assert.Equal(8 * MiB, memory.AcquireExecution(2, 16 * MiB));
        Assert.Equal(16 * MiB, memory.ExecutionUsedBy(2));
        memory.ReleaseExecution(2, 4 * MiB);
        Assert.Equal(12 * MiB, memory.ExecutionUsed);
    }

    [Fact]
    public void AcquireExecution_CachedBlocksHoldTheMemory_EvictsThemThroughTheEvictor()
    {
        var memory = new MemoryManager(16 * MiB);
        Assert.True(memory.AcquireStorage(12 * MiB));
        var evictor = new FakeEvictor(memory);
        memory.StorageEvictor = evictor;
        Assert.Equal(10 * MiB, memory.AcquireExecution(1, 10 * MiB));
        Assert.Equal(6 * MiB, evictor.Requested);
        Assert.Equal(6 * MiB, memory.StorageUsed);
    }

    [Fact]
    public void AcquireStorage_ExecutionHoldsTheMemory_IsRefusedAndEvictsNothing()
    {
        var memory = new MemoryManager(16 * MiB);
        memory.AcquireExecution(1, 12 * MiB);
        Assert.False(memory.AcquireStorage(8 * MiB));
        Assert.True(memory.AcquireStorage(4 * MiB));
        Assert.Equal(12 * MiB, memory.ExecutionUsed);
    }

    [Fact]
    public void TaskMemoryManager_ConsumerSpillThreshold_CapsEachConsumer()
    {
        var memory = new MemoryManager(16 * MiB) { ConsumerSpillThreshold = 1000 };
        var task = new TaskMemoryManager(memory, 7);
        var consumer = new NullConsumer();
        Assert.Equal(1000, task.Acquire(consumer, 5000));
        task.Release(400);
        Assert.Equal(600, task.Used);
        Assert.Equal(1000, task.Peak);
        task.ReleaseAll();
        Assert.Equal(0, memory.ExecutionUsed);
    }

    [Fact]
    public async Task AcquireExecution_ManyThreads_NeverGrantsMoreThanTheBudget()
    {
        var memory = new MemoryManager(16 * MiB);
        var peak = 0L;
        using var start = new Barrier(8);
        var workers = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            var random = new Random(t);
            start.SignalAndWait(TestContext.Current.CancellationToken);
            for (var i = 0; i < 2000; i++)
            {
                var granted = memory.AcquireExecution(t, random.Next(1, 4 * (int)MiB));
                var used = memory.ExecutionUsed;
                InterlockedMax(ref peak, used);
                memory.ReleaseExecution(t, random.Next(0, 2) == 0 ? granted : granted / 2);
            }

            memory.ReleaseAllExecution(t);
        }, TestContext.Current.CancellationToken));
        await Task.WhenAll(workers);
        Assert.InRange(peak, 1, 16 * MiB);
        Assert.Equal(0, memory.ExecutionUsed);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            current = Volatile.Read(ref target);
        }
    }

    private sealed class FakeEvictor(MemoryManager memory) : IStorageEvictor
    {
        public long Requested { get; private set; }

        public long EvictBlocksToFreeSpace(long bytes)
        {
            Requested += bytes;
            memory.ReleaseStorage(bytes);
            return bytes;
        }
    }

    private sealed class NullConsumer() : MemoryConsumer(null!);
}

using Dataflow.Storage;

namespace Dataflow.Tests.Storage;

public sealed class SizeTrackerTests
{
    [Fact]
    public void Estimate_PairsWithLongStrings_IsCloseToTheAllocatedSize()
    {
        const int count = 20_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var records = new (int Key, string Value)[count];
        for (var i = 0; i < count; i++)
        {
            records[i] = (i, new string((char)('a' + (i % 26)), 100));
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var tracker = new SizeTracker<(int Key, string Value)>(entryOverhead: 0);
        foreach (var record in records)
        {
            tracker.Update(record);
        }

        var estimate = tracker.Estimate(count);
        Assert.InRange((double)estimate / allocated, 0.8, 2.0);
    }

    [Fact]
    public void Estimate_SmallTuples_NeverUnderestimatesTheInlineSize()
    {
        var tracker = new SizeTracker<(int, long)>(entryOverhead: 0);
        for (var i = 0; i < 1000; i++)
        {
            tracker.Update((i, i * 1_000_000_007L));
        }

        Assert.InRange(tracker.BytesPerRecord, 12, 32);
    }

    [Fact]
    public void Update_SmallRecords_ChecksOncePerBatchOf32()
    {
        var tracker = new SizeTracker<int>(entryOverhead: 8);
        var checks = Enumerable.Range(0, 3201).Count(i => tracker.Update(i));
        Assert.Equal(101, checks);
        tracker.CheckNext();
        Assert.True(tracker.Update(1));
    }

    [Fact]
    public void Update_LargeRecords_SamplesLessOftenSoSamplingStaysCheap()
    {
        var tracker = new SizeTracker<string>(entryOverhead: 0);
        var big = new string('x', 64 * 1024);
        var checks = Enumerable.Range(0, 10_000).Count(_ => tracker.Update(big));
        // A 64 KiB sample is repaid by 2048 updates before the next one.
        Assert.InRange(checks, 4, 6);
        Assert.InRange(tracker.BytesPerRecord, 128 * 1024, 140 * 1024);
    }

    [Fact]
    public void ManagedSizeHeuristic_NestedCollections_CountsObjectsAndSlots()
    {
        var serialized = MessagePack.MessagePackSerializer.Serialize((1, new[] { "ab", "cd" }), Dataflow.Serialization.Records.RecordSerializer.Options, TestContext.Current.CancellationToken);
        // Outer tuple inline: int slot 8 + array (slot 8 + header 24) + two strings (8 + 24 + 4 each).
        Assert.Equal(8 + 32 + 2 * 36, ManagedSizeHeuristic.Estimate(serialized));
    }
}

using Dataflow.Collections;
using Dataflow.Configuration;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Storage;

/// <summary>
/// Two memory consumers in one task: a sorter that fitted in memory is being read by a later operator that needs
/// memory of its own. The reader's rest is spilled on request, instead of the later operator spilling every batch.
/// </summary>
public sealed class SpillOnRequestTests
{
    [Fact]
    public async Task Acquire_RefusedWhileAnotherSorterIsReadFromMemory_SpillsThatSorterOnce()
    {
        var options = new DataflowOptions { Master = "local[1]" };
        options.Executor.Memory = ByteSize.FromMiB(16);
        await using var ctx = new DataflowContext(options);
        var task = TestTasks.Create(ctx, TestContext.Current.CancellationToken);
        try
        {
            var data = Enumerable.Range(0, 150_000).Select(i => (Key: (i * 7919) % 150_000, Value: "v" + i.ToString("D9", System.Globalization.CultureInfo.InvariantCulture))).ToArray();
            var first = ExternalSorter<int, string>.ForOrdering(task, Comparer<int>.Default);
            first.InsertAll(data);
            Assert.Equal(0, first.SpillCount);
            Assert.True(task.Memory.Used > 8L * 1024 * 1024, $"the first sorter should hold most of the budget, holds {task.Memory.Used}");

            using var second = ExternalSorter<int, string>.ForOrdering(task, Comparer<int>.Create((a, b) => b.CompareTo(a)));
            second.InsertAll(first.Iterator());
            Assert.Equal(1, first.SpillCount);
            Assert.InRange(second.SpillCount, 0, 2);
            Assert.Equal(data.Select(d => d.Key).OrderDescending(), second.Iterator().Select(r => r.Key));
            Assert.Equal(0, TestTasks.FilesOf(task));
        }
        finally
        {
            TestTasks.End(task);
        }
    }
}

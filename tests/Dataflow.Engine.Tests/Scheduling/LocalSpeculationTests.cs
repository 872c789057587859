using Dataflow.Configuration;
using Dataflow.Execution;
using Dataflow.IO;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Scheduling;

/// <summary>
/// Speculation and exactly-once commit in local mode. The test hook: the first attempt of the last partition holds
/// until it is killed, so only a speculative copy can finish it.
/// </summary>
public sealed class LocalSpeculationTests
{
    private const int SlowPartition = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SlowTask_GetsASpeculativeCopy_ThatWins_AndTheSlowAttemptIsKilled()
    {
        await using var ctx = Context();
        var recorder = new EventRecorder();
        ctx.Listeners.Add(recorder);
        var records = ctx.LongAccumulator();
        var doubled = await ctx.Parallelize(Enumerable.Range(0, 8), 4).Select(x =>
        {
            records.Add(1);
            HoldFirstAttemptOfSlowPartition();
            return x * 2;
        }).ToListAsync(Ct);

        Assert.Equal(Enumerable.Range(0, 8).Select(x => x * 2), doubled);
        // Once per partition: the killed attempt's additions are dropped with it.
        Assert.Equal(8, records.Value);
        await ctx.Listeners.FlushAsync();
        AssertCopyWonAndOriginalWasKilled(recorder);
    }

    [Fact]
    public async Task SaveAsTextFile_WithASpeculativeCopy_CommitsExactlyOnePartFilePerPartition()
    {
        await using var ctx = Context();
        var recorder = new EventRecorder();
        ctx.Listeners.Add(recorder);
        var output = Path.Combine(ctx.WorkDirectory, "speculated-output");
        await ctx.Parallelize(Enumerable.Range(0, 8), 4).Select(x =>
        {
            HoldFirstAttemptOfSlowPartition();
            return x;
        }).SaveAsTextFileAsync(output, cancellationToken: Ct);

        var files = Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["_SUCCESS", "part-00000", "part-00001", "part-00002", "part-00003"], files);
        Assert.Equal(["6", "7"], File.ReadAllLines(Path.Combine(output, OutputCommitter.PartFileName(SlowPartition))));
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(output)!, ".speculated-output*"));
        await ctx.Listeners.FlushAsync();
        AssertCopyWonAndOriginalWasKilled(recorder);
    }

    private static DataflowContext Context()
    {
        var options = new DataflowOptions { Master = "local[2]" };
        options.Scheduler.Speculation = true;
        return new DataflowContext(options);
    }

    private static void HoldFirstAttemptOfSlowPartition()
    {
        var task = TaskContext.Current!;
        if (task.PartitionId == SlowPartition && task.AttemptNumber == 0)
        {
            // Released only by the kill once the copy has won (or, if speculation never comes, by the timeout, and
            // the assertions then fail).
            task.CancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(60));
            task.CancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static void AssertCopyWonAndOriginalWasKilled(EventRecorder recorder)
    {
        var ends = recorder.Events.OfType<TaskEndEvent>().Where(e => e.Task.PartitionId == SlowPartition).ToList();
        Assert.Equal(2, ends.Count);
        var copy = Assert.Single(ends, e => e.Task.Speculative);
        Assert.True(copy.Succeeded);
        var original = Assert.Single(ends, e => !e.Task.Speculative);
        Assert.Equal(0, original.Task.Attempt);
        Assert.IsType<TaskKilledException>(original.Error);
        Assert.All(recorder.Events.OfType<TaskEndEvent>().Where(e => e.Task.PartitionId != SlowPartition), e => Assert.True(e.Succeeded));
    }
}

using Dataflow.Configuration;
using Dataflow.Execution;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>No spill file and no temporary shuffle file outlives its task: after success, failure or cancellation.</summary>
public sealed class SpillCleanupTests(SpillingContextFixture fixture) : IClassFixture<SpillingContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Rdd<(int Key, string Value)> Pairs(int count, Func<long, long>? probe = null) =>
        _ctx.Range(0, count, numSlices: 2).Select(i => (Key: (int)(i % 50), Value: "value-" + (probe ?? (x => x))(i)));

    private async Task<List<TaskEndEvent>> TaskEndsAsync()
    {
        await _ctx.Listeners.FlushAsync();
        return [.. fixture.Recorder.Events.OfType<TaskEndEvent>()];
    }

    [Fact]
    public async Task GroupByKey_Succeeds_LeavesNoSpillOrTempFile()
    {
        await fixture.ResetEventsAsync();
        var sums = await Pairs(40_000).GroupByKey(2).Select(g => (g.Key, g.Value.Count())).ToListAsync(Ct);
        Assert.Equal(50, sums.Count);
        Assert.All(sums, s => Assert.Equal(800, s.Item2));
        Assert.True((await TaskEndsAsync()).Sum(t => t.Metrics.SpillBytes) > 0);
        Assert.Empty(fixture.SpillFiles());
        Assert.Empty(fixture.TempShuffleFiles());
    }

    [Fact]
    public async Task MapTaskFails_AfterSpilling_LeavesNoSpillOrTempFile()
    {
        await fixture.ResetEventsAsync();
        var failing = Pairs(40_000, i => i == 30_000 ? throw new InvalidOperationException("boom") : i);
        var e = await Assert.ThrowsAsync<JobFailedException>(() => failing.GroupByKey(2).CountAsync(Ct));
        Assert.IsType<InvalidOperationException>(e.InnerException);
        var failed = (await TaskEndsAsync()).Where(t => t.Error is InvalidOperationException).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, t => Assert.True(t.Metrics.SpillBytes > 0, "the task should have spilled before failing"));
        Assert.Empty(fixture.SpillFiles());
        Assert.Empty(fixture.TempShuffleFiles());
    }

    [Fact]
    public async Task ReduceTaskFails_WhileReadingASpilledGroup_LeavesNoSpillFile()
    {
        await fixture.ResetEventsAsync();
        var grouped = Pairs(40_000).GroupByKey(2).Select(g => g.Value.Select(v => v == "value-39999" ? throw new InvalidOperationException("boom") : v.Length).Sum());
        var e = await Assert.ThrowsAsync<JobFailedException>(() => grouped.CountAsync(Ct));
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.Contains(await TaskEndsAsync(), t => t.Error is InvalidOperationException && t.Metrics.SpillBytes > 0);
        Assert.Empty(fixture.SpillFiles());
    }

    [Fact]
    public async Task Cancelled_WhileMapTasksHoldSpills_LeavesNoSpillOrTempFile()
    {
        await fixture.ResetEventsAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var reachedKey = TestSignals.NewKey();
        var reached = TestSignals.Signal(reachedKey);
        var tracker = new TaskTracker();
        var peakBeforeCancel = 0L;
        _ctx.Listeners.Add(tracker);
        try
        {
            var blocking = Pairs(40_000, i =>
            {
                if (i == 15_000)
                {
                    // Past many spills of this map task: let the test cancel, and wait until it has.
                    var task = TaskContext.Current!;
                    Volatile.Write(ref peakBeforeCancel, task.Memory.Peak);
                    TestSignals.Signal(reachedKey).TrySetResult();
                    task.CancellationToken.WaitHandle.WaitOne();
                }

                return i;
            });
            var job = blocking.GroupByKey(2).CountAsync(cts.Token);
            await reached.Task.WaitAsync(Ct);
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job);
            await tracker.AllEnded.WaitAsync(TimeSpan.FromMinutes(1), Ct);
            Assert.True(Volatile.Read(ref peakBeforeCancel) > 0, "the blocked map task should hold execution memory");
        }
        finally
        {
            _ctx.Listeners.Remove(tracker);
        }

        Assert.Empty(fixture.SpillFiles());
        Assert.Empty(fixture.TempShuffleFiles());
    }

    [Fact]
    public async Task SpillDirectory_WhenSet_HoldsTheSpillsAndIsRemovedWithTheContext()
    {
        var root = Path.Combine(Path.GetTempPath(), "dataflow-spill-test-" + Guid.NewGuid().ToString("N"));
        var options = new DataflowOptions { Master = "local[2]" };
        options.Shuffle.SpillDirectory = root;
        options.Executor.Memory = ByteSize.FromMiB(16);
        var context = new DataflowContext(options);
        try
        {
            context.Environment.Memory.ConsumerSpillThreshold = SpillingContextFixture.SpillThreshold;
            Assert.StartsWith(root, context.Environment.SpillDirectory, StringComparison.Ordinal);
            var spillDirectories = await context.Range(0, 20_000, numSlices: 2).Select(i => (i % 100, i)).GroupByKey(2)
                .SelectPartitions(groups =>
                {
                    var total = groups.Sum(g => g.Value.Count());
                    return new[] { (Total: total, TaskContext.Current!.TempFiles.Directory, TaskContext.Current!.Metrics.SpillBytes) };
                }).ToListAsync(Ct);
            Assert.Equal(20_000, spillDirectories.Sum(d => d.Total));
            Assert.All(spillDirectories, d => Assert.StartsWith(root, d.Directory, StringComparison.Ordinal));
            Assert.True(spillDirectories.Sum(d => d.SpillBytes) > 0);
            Assert.All(spillDirectories, d => Assert.False(Directory.Exists(d.Directory)));
        }
        finally
        {
            await context.DisposeAsync();
        }

        Assert.Empty(Directory.Exists(root) ? Directory.GetFileSystemEntries(root) : []);
        if (Directory.Exists(root))
        {
            Directory.Delete(root);
        }
    }

    /// <summary>Completes once every task that started has ended (its files are cleaned up before its end event).</summary>
    private sealed class TaskTracker : IDataflowListener
    {
        private readonly Lock _lock = new();
        private readonly TaskCompletionSource _allEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _running;
        private bool _jobEnded;

        public Task AllEnded => _allEnded.Task;

        public void OnEvent(DataflowEvent e)
        {
            lock (_lock)
            {
                _running += e switch { TaskStartEvent => 1, TaskEndEvent => -1, _ => 0 };
                _jobEnded |= e is JobEndEvent;
                if (_jobEnded && _running == 0)
                {
                    _allEnded.TrySetResult();
                }
            }
        }
    }
}

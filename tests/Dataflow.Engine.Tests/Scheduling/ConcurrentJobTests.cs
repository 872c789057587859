using Dataflow.Execution;
using Dataflow.Scheduling;
using Dataflow.Scheduling.Backends;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Scheduling;

/// <summary>The context used from several threads: concurrent actions, job groups, fair sharing.</summary>
public sealed class ConcurrentJobTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConcurrentActions_FromEightThreads_AreAllCorrect()
    {
        await using var ctx = new DataflowContext("local[2]");
        var shared = ctx.Range(0, 10_000, 1, 8).Select(x => (x % 13, x)).ReduceByKey((a, b) => a + b, 4);
        var expected = Enumerable.Range(0, 10_000).GroupBy(x => x % 13).ToDictionary(g => (long)g.Key, g => g.Sum(x => (long)x));
        var jobs = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var own = await ctx.Range(0, 1000 * (i + 1), 1, 3).Where(x => x % 2 == 0).CountAsync(Ct);
            Assert.Equal(500 * (i + 1), own);
            var sums = await shared.ToListAsync(Ct);
            Assert.Equal(expected, sums.ToDictionary(kv => kv.Item1, kv => kv.Item2));
        }, Ct)).ToList();
        await Task.WhenAll(jobs);
        Assert.Equal(0, ctx.Scheduler.ActiveJobCount);
    }

    [Fact]
    public async Task CancelJobGroup_StopsOnlyThatGroupsJobs_EvenWhenTheyShareAStage()
    {
        await using var ctx = new DataflowContext("local[2]");
        var releaseKey = TestSignals.NewKey();
        var release = TestSignals.Gate(releaseKey);
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var starts = 0;
        ctx.Listeners.Add(new CallbackListener(e =>
        {
            if (e is JobStartEvent && Interlocked.Increment(ref starts) == 2)
            {
                bothStarted.TrySetResult();
            }
        }));
        // A map stage both jobs need; its tasks hold until released, so both jobs wait on the same run.
        var shared = ctx.Parallelize(Enumerable.Range(0, 100), 2).Select(x =>
        {
            TestSignals.Gate(releaseKey).Wait(Ct);
            return (x % 5, 1);
        }).ReduceByKey((a, b) => a + b, 2);
        try
        {
            var jobA = Task.Run(() =>
            {
                ctx.SetJobGroup("A", "to be cancelled");
                return shared.CountAsync(Ct);
            }, Ct);
            var jobB = Task.Run(() =>
            {
                ctx.SetJobGroup("B");
                return shared.Select(kv => kv.Item2).AggregateAsync((a, b) => a + b, Ct);
            }, Ct);
            await bothStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            await ctx.CancelJobGroupAsync("A");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => jobA.WaitAsync(TimeSpan.FromSeconds(30), Ct));
            Assert.False(jobB.IsCompleted);
            release.Set();
            Assert.Equal(100, await jobB.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        }
        finally
        {
            // Never leave executor threads blocked, whatever failed above.
            release.Set();
        }
    }

    private sealed class CallbackListener(Action<DataflowEvent> callback) : IDataflowListener
    {
        public void OnEvent(DataflowEvent e) => callback(e);
    }

    [Fact]
    public void FairTaskQueue_SmallJobBehindBigJob_IsServedWithinOneRound()
    {
        var queue = new FairTaskQueue<string>();
        for (var i = 0; i < 100; i++)
        {
            queue.Add(1, "big");
        }

        queue.Add(2, "small");
        Assert.True(queue.TryTake(out var first));
        Assert.True(queue.TryTake(out var second));
        Assert.Equal(["big", "small"], new[] { first, second });
        queue.Complete();
        var rest = 0;
        while (queue.TryTake(out _))
        {
            rest++;
        }

        Assert.Equal(99, rest);
    }

    [Fact]
    public void FairTaskQueue_TwoApplicationsWithTheSameJobIds_AreServedInTurns_WhateverTheirJobCounts()
    {
        // On a worker, job ids are per driver: application A's jobs 0, 1 and 2 and B's job 0 share the threads
        // half and half, not per job id (B's job 0 is not A's job 0) nor per job (A's three jobs are not three turns).
        var (a, b) = (new object(), new object());
        var queue = new FairTaskQueue<string>();
        for (var i = 0; i < 30; i++)
        {
            queue.Add(a, i % 3, $"a{i % 3}");
        }

        for (var i = 0; i < 5; i++)
        {
            queue.Add(b, 0, "b0");
        }

        var taken = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            Assert.True(queue.TryTake(out var item));
            taken.Add(item);
        }

        Assert.Equal(["a0", "b0", "a1", "b0", "a2", "b0", "a0", "b0", "a1", "b0"], taken);
        queue.Complete();
        var rest = 0;
        while (queue.TryTake(out var item))
        {
            Assert.StartsWith("a", item, StringComparison.Ordinal);
            rest++;
        }

        Assert.Equal(25, rest);
    }

    [Fact]
    public async Task TaskContext_InsideTasks_DescribesTheAttemptAndRunsCompletionCallbacks()
    {
        await using var ctx = new DataflowContext("local[2]");
        Assert.Null(TaskContext.Current);
        var completed = ctx.CollectionAccumulator<int>();
        var seen = await ctx.Parallelize(Enumerable.Range(0, 40), 4).SelectPartitions((index, items) =>
        {
            var task = TaskContext.Current!;
            task.AddTaskCompletionListener(t => completed.Add(t.PartitionId));
            return new[] { (index, task.PartitionId, task.AttemptNumber, task.StageId, task.CancellationToken.CanBeCanceled, items.Count()) };
        }).ToListAsync(Ct);
        Assert.All(seen, s =>
        {
            Assert.Equal(s.index, s.PartitionId);
            Assert.Equal(0, s.AttemptNumber);
            Assert.True(s.CanBeCanceled);
            Assert.Equal(10, s.Item6);
        });
        Assert.Single(seen.Select(s => s.StageId).Distinct());
        Assert.Null(TaskContext.Current);
    }

    [Fact]
    public async Task SelectAsync_KeepsOrderAndBoundsConcurrencyPerTask()
    {
        await using var ctx = new DataflowContext("local[2]");
        var inFlight = 0;
        var maxInFlight = 0;
        var results = await ctx.Parallelize(Enumerable.Range(0, 200), 1).SelectAsync(async (x, ct) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await Task.Yield();
            await Task.Delay(x % 3, ct);
            Interlocked.Decrement(ref inFlight);
            return x * 2;
        }, maxConcurrency: 4).ToListAsync(Ct);
        Assert.Equal(Enumerable.Range(0, 200).Select(x => x * 2), results);
        Assert.InRange(maxInFlight, 1, 4);
        var evens = await ctx.Parallelize(Enumerable.Range(0, 50), 3).WhereAsync(async x => { await Task.Yield(); return x % 2 == 0; }).ToListAsync(Ct);
        Assert.Equal(Enumerable.Range(0, 50).Where(x => x % 2 == 0), evens);
    }

    [Fact]
    public async Task Select_WithTaskReturningLambda_IsRejectedPointingAtSelectAsync()
    {
        await using var ctx = new DataflowContext("local[2]");
        var error = Assert.Throws<ArgumentException>(() => ctx.Range(0, 3).Select(async x => { await Task.Yield(); return x; }));
        Assert.Contains("SelectAsync", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConcurrentJobTests.cs", error.Message, StringComparison.Ordinal);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

using System.Collections.Concurrent;
using Dataflow.Execution;

namespace Dataflow.Tests.Execution;

/// <summary>Executor-local objects in local mode: one per key per context, shared by tasks and jobs, disposed with the context.</summary>
public sealed class ExecutorLocalsTests
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<Probe>> s_created = new();
    private static readonly ConcurrentDictionary<string, Barrier> s_barriers = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetOrAdd_AcrossTasksAndJobs_ReturnsOneInstancePerContext()
    {
        var key = Guid.NewGuid().ToString("N");
        await using var ctx = new DataflowContext("local[2]");
        var rdd = ctx.Range(0, 64, numSlices: 8).SelectPartitions(_ => new[] { Local(key).Id });

        var first = await rdd.ToArrayAsync(Ct);
        var second = await rdd.ToArrayAsync(Ct);

        Assert.Single(first.Concat(second).Distinct());
        Assert.Single(s_created[key]);
        Assert.Equal(0, s_created[key].Single().Disposals);
    }

    [Fact]
    public async Task DisposingTheContext_DisposesItsValues_NewestFirst()
    {
        var key = Guid.NewGuid().ToString("N");
        var order = new ConcurrentQueue<string>();
        var ctx = new DataflowContext("local[2]");
        await ctx.Range(0, 4, numSlices: 2).SelectPartitions(_ => new[] { Local(key).Id }).CountAsync(Ct);
        await ctx.Range(0, 1, numSlices: 1).SelectPartitions(_ =>
        {
            TaskContext.Current!.ExecutorLocals.GetOrAdd(key + "-async", () => new AsyncProbe(key));
            return new[] { 0 };
        }).CountAsync(Ct);
        var probe = s_created[key].Single();

        await ctx.DisposeAsync();

        Assert.Equal(1, probe.Disposals);
        Assert.Equal(1, AsyncProbe.Disposals(key));
        Assert.True(AsyncProbe.DisposedBefore(key, probe), "the value created last is disposed first");
    }

    [Fact]
    public async Task TwoContexts_DoNotShareValues()
    {
        var key = Guid.NewGuid().ToString("N");
        await using var a = new DataflowContext("local[2]");
        await using var b = new DataflowContext("local[2]");

        var fromA = await a.Range(0, 8, numSlices: 4).SelectPartitions(_ => new[] { Local(key).Id }).ToArrayAsync(Ct);
        var fromB = await b.Range(0, 8, numSlices: 4).SelectPartitions(_ => new[] { Local(key).Id }).ToArrayAsync(Ct);

        Assert.Single(fromA.Distinct());
        Assert.Single(fromB.Distinct());
        Assert.NotEqual(fromA[0], fromB[0]);
        await b.DisposeAsync();
        Assert.Equal([0, 1], s_created[key].Select(p => p.Disposals).Order());
    }

    [Fact]
    public async Task ConcurrentTasks_RunTheFactoryOnce()
    {
        var key = Guid.NewGuid().ToString("N");
        s_barriers[key] = new Barrier(4);
        await using var ctx = new DataflowContext("local[4]");

        var ids = await ctx.Range(0, 4, numSlices: 4).SelectPartitions(_ =>
        {
            // All four tasks ask at the same moment.
            Assert.True(s_barriers[key].SignalAndWait(TimeSpan.FromMinutes(1)));
            return new[] { Local(key, slowFactory: true).Id };
        }).ToArrayAsync(Ct);

        Assert.Single(ids.Distinct());
        Assert.Single(s_created[key]);
    }

    [Fact]
    public async Task FailingFactory_StoresNothing_AndALaterTaskRetries()
    {
        var key = Guid.NewGuid().ToString("N");
        await using var ctx = new DataflowContext(new Dataflow.Configuration.DataflowOptions { Master = "local[1]", Scheduler = { MaxTaskFailures = 1 } });

        var error = await Assert.ThrowsAsync<JobFailedException>(() => ctx.Range(0, 1, numSlices: 1).SelectPartitions(_ =>
            new[] { TaskContext.Current!.ExecutorLocals.GetOrAdd<Probe>(key, () => throw new InvalidOperationException("no device")).Id }).CountAsync(Ct));
        var id = await ctx.Range(0, 1, numSlices: 1).SelectPartitions(_ => new[] { Local(key).Id }).ToArrayAsync(Ct);

        Assert.Contains("no device", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(s_created[key].Single().Id, Assert.Single(id));
    }

    [Fact]
    public async Task SameKeyAnotherType_IsAnErrorNamingBoth()
    {
        var key = Guid.NewGuid().ToString("N");
        await using var ctx = new DataflowContext("local[1]");
        await ctx.Range(0, 1, numSlices: 1).SelectPartitions(_ => new[] { Local(key).Id }).CountAsync(Ct);

        var error = await Assert.ThrowsAsync<JobFailedException>(() => ctx.Range(0, 1, numSlices: 1).SelectPartitions(_ =>
            new[] { TaskContext.Current!.ExecutorLocals.GetOrAdd(key, () => new List<int>()).Count }).CountAsync(Ct));

        Assert.Contains($"'{key}' holds a {typeof(Probe).FullName}, not a System.Collections.Generic.List`1", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterTheContextIsDisposed_GetOrAddRefuses()
    {
        var ctx = new DataflowContext("local[1]");
        ExecutorLocals? locals = null;
        await ctx.Range(0, 1, numSlices: 1).SelectPartitions(_ =>
        {
            locals = TaskContext.Current!.ExecutorLocals;
            return new[] { 0 };
        }).CountAsync(Ct);
        await ctx.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => locals!.GetOrAdd("late", () => new object()));
        Assert.Equal(0, locals!.Count);
    }

    private static Probe Local(string key, bool slowFactory = false) =>
        TaskContext.Current!.ExecutorLocals.GetOrAdd(key, () =>
        {
            if (slowFactory)
            {
                // Give the other tasks time to pile up behind the first creation (no timing is asserted).
                Thread.SpinWait(1_000_000);
            }

            var probe = new Probe();
            s_created.GetOrAdd(key, _ => new ConcurrentQueue<Probe>()).Enqueue(probe);
            return probe;
        });

    private sealed class Probe : IDisposable
    {
        private int _disposals;

        public string Id { get; } = Guid.NewGuid().ToString("N");

        public int Disposals => Volatile.Read(ref _disposals);

        public long DisposedAt { get; private set; }

        public void Dispose()
        {
            DisposedAt = AsyncProbe.Tick();
            Interlocked.Increment(ref _disposals);
        }
    }

    private sealed class AsyncProbe(string key) : IAsyncDisposable
    {
        private static readonly ConcurrentDictionary<string, long> s_disposedAt = new();
        private static readonly ConcurrentDictionary<string, int> s_disposals = new();
        private static long s_tick;

        public static long Tick() => Interlocked.Increment(ref s_tick);

        public static int Disposals(string key) => s_disposals.GetValueOrDefault(key);

        public static bool DisposedBefore(string key, Probe other) => s_disposedAt[key] < other.DisposedAt;

        public async ValueTask DisposeAsync()
        {
            await Task.Yield();
            s_disposedAt[key] = Tick();
            s_disposals.AddOrUpdate(key, 1, (_, n) => n + 1);
        }
    }
}

using Dataflow.Broadcasting;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Broadcasting;

public sealed class BroadcastTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Broadcast_ReadByEveryTask_FetchedOncePerExecutor()
    {
        await using var ctx = new DataflowContext("local[2]");
        var lookup = ctx.Broadcast(Enumerable.Range(0, 100).ToDictionary(i => i, i => i * i));
        var squares = await ctx.Parallelize(Enumerable.Range(0, 100), 8).Select(i => lookup.Value[i]).ToListAsync(Ct);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i * i), squares);
        Assert.Equal(1, ctx.Environment.Broadcasts.Fetches);
        await ctx.Parallelize(Enumerable.Range(0, 10), 4).Select(i => lookup.Value[i]).CountAsync(Ct);
        Assert.Equal(1, ctx.Environment.Broadcasts.Fetches);
        await lookup.UnpersistAsync();
        await ctx.Parallelize(Enumerable.Range(0, 10), 4).Select(i => lookup.Value[i]).CountAsync(Ct);
        Assert.Equal(2, ctx.Environment.Broadcasts.Fetches);
    }

    [Fact]
    public void BroadcastStore_FailedFetch_IsTriedAgainByTheNextUse()
    {
        var store = new BroadcastStore();
        var calls = 0;
        object? Fetch() => ++calls == 1 ? throw new IOException("driver unreachable") : "value";

        Assert.Throws<IOException>(() => store.GetOrFetch(7, Fetch));
        Assert.Equal("value", store.GetOrFetch(7, Fetch));
        Assert.Equal("value", store.GetOrFetch(7, Fetch));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Broadcast_AfterDestroy_UseIsAnErrorOnDriverAndInTasks()
    {
        await using var ctx = new DataflowContext("local[2]");
        var value = ctx.Broadcast("hello");
        Assert.Equal("hello", value.Value);
        var builtBefore = ctx.Parallelize([1, 2], 2).Select(i => value.Value.Length + i);
        await value.DestroyAsync();
        var onDriver = Assert.Throws<InvalidOperationException>(() => value.Value);
        Assert.Contains("BroadcastTests.cs", onDriver.Message, StringComparison.Ordinal);
        var inTask = await Assert.ThrowsAsync<JobFailedException>(() => builtBefore.ToListAsync(Ct));
        Assert.IsType<InvalidOperationException>(inTask.InnerException);
        // A function built after the destroy cannot be shipped at all.
        var built = Assert.Throws<ClosureNotSerializableException>(() => ctx.Parallelize([1, 2], 2).Select(i => value.Value.Length + i));
        Assert.Contains("was destroyed", built.Message, StringComparison.Ordinal);
    }
}

using Dataflow.Cluster.Tests.Support;
using Dataflow.Configuration;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>A driver that disappears without disposing its context: workers remove its application and files.</summary>
public sealed class OrphanedApplicationTests : IAsyncLifetime
{
    private readonly InProcessCluster _cluster = new("orphans", configureOptions: o => o.Worker.DriverTimeout = TimeSpan.FromSeconds(2));

    public ValueTask InitializeAsync() => _cluster.InitializeAsync();

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task DriverThatStopsAnswering_ItsApplicationFilesAreRemovedFromWorkers()
    {
        var ctx = new DataflowContext(new DataflowOptions { Master = _cluster.Master });
        var counts = await ctx.Parallelize(Enumerable.Range(0, 5_000).ToArray(), 4).Select(x => (x % 10, 1)).ReduceByKey((a, b) => a + b, 2)
            .CountAsync(TestContext.Current.CancellationToken);
        Assert.Equal(10, counts);
        var appId = ((Driver.OrleansBackend)ctx.Backend).AppId;
        Assert.NotEmpty(AppDirectories(appId));

        // The driver vanishes (its client goes away) without disposing the context.
        await _cluster.Cluster.StopClusterClientAsync(TestContext.Current.CancellationToken);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (AppDirectories(appId).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Empty(AppDirectories(appId));
        await ctx.DisposeAsync();
    }

    private List<string> AppDirectories(string appId) =>
        [.. Directory.GetDirectories(_cluster.Root, appId, SearchOption.AllDirectories)];
}

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

    [Fact]
    public async Task DriverThatStopsAnsweringWhileItsTasksRun_TheyAreCancelledAndItsFilesRemoved()
    {
        using var gate = new FileGate();
        var dir = gate.Directory;
        var ctx = new DataflowContext(new DataflowOptions { Master = _cluster.Master });
        var backend = (Driver.OrleansBackend)ctx.Backend;
        var lookup = ctx.Broadcast(new[] { 1, 2, 3 });
        var cached = ctx.Range(0, 1_000, numSlices: 4).Select(x => x * lookup.Value[1]).Cache();
        Assert.Equal(5, await cached.Select(x => (x % 10, 1)).ReduceByKey((p, q) => p + q, 2).CountAsync(TestContext.Current.CancellationToken));
        var running = cached.Select(x =>
        {
            FileGate.Hold(dir, $"t{Dataflow.Execution.TaskContext.Current!.PartitionId}");
            return x;
        }).CountAsync(CancellationToken.None);
        var workers = _cluster.Cluster.Silos.Cast<Orleans.TestingHost.InProcessSiloHandle>()
            .Select(s => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Dataflow.Cluster.Worker.WorkerExecutor>(s.SiloHost.Services)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (gate.Started("t").Count < 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(4, workers.Sum(w => w.RunningTasks(backend.AppId)));
        Assert.NotEmpty(AppDirectories(backend.AppId));

        try
        {
            // The driver vanishes while its four tasks hold their slots.
            await _cluster.Cluster.StopClusterClientAsync(TestContext.Current.CancellationToken);

            deadline = DateTime.UtcNow.AddSeconds(20);
            while ((AppDirectories(backend.AppId).Count > 0 || workers.Sum(w => w.RunningTasks(backend.AppId)) > 0) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }

            Assert.Equal(4, gate.Cancelled("t").Count);
            Assert.Equal(0, workers.Sum(w => w.RunningTasks(backend.AppId)));
            Assert.Empty(AppDirectories(backend.AppId));
            Assert.All(workers, w => Assert.Empty(w.Status().Applications));
            Assert.All(workers, w => Assert.Equal(0, w.Blobs.Count("")));
        }
        finally
        {
            // Tasks that were not cancelled would hold the workers' threads, and the cluster's shutdown, for good.
            for (var i = 0; i < 4; i++)
            {
                gate.Open($"t{i}");
            }
        }
        _ = running.ContinueWith(t => t.Exception, TaskScheduler.Default);
        await ctx.DisposeAsync();
    }

    private List<string> AppDirectories(string appId) =>
        [.. Directory.GetDirectories(_cluster.Root, appId, SearchOption.AllDirectories)];
}

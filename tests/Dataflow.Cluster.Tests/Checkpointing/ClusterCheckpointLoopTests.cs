using Dataflow.Cluster.Driver;
using Dataflow.Cluster.Tests.Support;
using Dataflow.Cluster.Worker;
using Dataflow.Dependencies;
using Dataflow.Partitioning;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Dataflow.Cluster.Tests.Checkpointing;

/// <summary>
/// The iterative loop with a new RDD and a shuffle per iteration, locally checkpointed every 10 iterations, on the
/// shared in-process cluster: at iteration 1,000 the lineage is no deeper and neither the driver nor any worker holds
/// more shuffles, stages or application files than at iteration 100.
/// </summary>
public sealed class ClusterCheckpointLoopTests
{
    private const int Keys = 64;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Loop_ThousandIterationsCheckpointedEveryTen_HoldsNoMoreOnDriverOrWorkersThanAtHundred()
    {
        var cluster = await SharedCluster.StartAsync();
        var (ctx, recorder) = await SharedCluster.NewContextAsync();
        await using var disposeContext = ctx;
        ctx.Listeners.Remove(recorder);
        var backend = (OrleansBackend)ctx.Backend;
        var workers = cluster.Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.SiloHost.Services.GetRequiredService<WorkerExecutor>()).ToList();
        var partitioner = new HashPartitioner(4);
        var increments = ctx.Parallelize(Enumerable.Range(0, Keys).Select(k => (k, (long)k)).ToArray(), 4).PartitionBy(partitioner).Cache();
        Rdd<(int Key, long Value)> state = ctx.Parallelize(Enumerable.Range(0, Keys).Select(k => (k, 0L)).ToArray(), 4);
        (int Depth, int Driver, int Workers, int Files)? early = null;
        for (var iteration = 1; iteration <= 1_000; iteration++)
        {
            state = state.Select(kv => (kv.Key, kv.Value)).ReduceByKey((a, b) => a + b, partitioner)
                .Join(increments).Select(kv => (kv.Key, kv.Value.Left + kv.Value.Right));
            if (iteration % 10 == 0)
            {
                state = state.LocalCheckpoint();
            }

            Assert.Equal(iteration * (long)(Keys * (Keys - 1) / 2), await state.Select(kv => kv.Value).SumAsync(Ct));
            if (iteration is 100 or 1_000)
            {
                await Task.Yield();
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                Assert.Equal(Keys, await state.CountAsync(Ct));
                await backend.CleanupsDrainedAsync();
                var held = (Lineage.Depth(state),
                    ctx.MapOutputs.ShuffleIds.Count + ctx.Scheduler.MapStageCount + ctx.Scheduler.ReleasedStageIdCount,
                    workers.Sum(w => w.Application(backend.Ticket).Environment.MapOutputs.ShuffleIds.Count + w.Application(backend.Ticket).Stages.Count),
                    Directory.EnumerateFiles(cluster.Root, "*", SearchOption.AllDirectories).Count(f => f.Contains(Path.Combine("apps", backend.AppId), StringComparison.Ordinal)));
                early ??= held;
                if (iteration == 1_000)
                {
                    Assert.True(held.Item1 <= early.Value.Depth, $"depth {held.Item1} > {early.Value.Depth}");
                    Assert.True(held.Item2 <= early.Value.Driver, $"driver holds {held.Item2} shuffles and stages, {early.Value.Driver} at 100");
                    Assert.True(held.Item3 <= early.Value.Workers, $"workers hold {held.Item3} shuffles and stages, {early.Value.Workers} at 100");
                    Assert.True(held.Item4 <= early.Value.Files, $"workers keep {held.Item4} application files, {early.Value.Files} at 100");
                    Assert.Equal(1, held.Item1);
                }
            }
        }
    }
}

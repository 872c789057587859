using Dataflow.Cluster.Driver;
using Dataflow.Cluster.Tests.Support;
using Dataflow.Cluster.Worker;
using Dataflow.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>
/// Two drivers on one cluster share its slots: application B's tasks run while application A, which took every slot
/// first, still has a long queue of tasks. Each application's directories and load context are its own.
/// </summary>
public sealed class ConcurrentApplicationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SecondApplication_RunsWhileTheFirstStillHasALongQueue_AndEachKeepsItsOwnFilesAndLoadContext()
    {
        var cluster = await SharedCluster.StartAsync();
        using var gate = new FileGate();
        var dir = gate.Directory;
        await using var a = new DataflowContext(new DataflowOptions { Master = SharedCluster.Master });
        await using var b = new DataflowContext(new DataflowOptions { Master = SharedCluster.Master });
        const int Slots = InProcessCluster.Workers * InProcessCluster.SlotsPerWorker;

        // A: 40 tasks that each hold their slot until the test lets them go.
        var jobA = a.Range(0, 40, numSlices: 40).Select(x =>
        {
            FileGate.Hold(dir, $"a{x}");
            return x;
        }).SumAsync(Ct);
        await WaitUntilAsync(() => gate.Started("a").Count == Slots, jobA);

        // B queues its tasks behind A's on the workers; A lets its running tasks go, and gets its next ones queued.
        var jobB = b.Range(0, Slots, numSlices: Slots).Select(x =>
        {
            FileGate.Mark(dir, $"b{x}");
            return (long)x;
        }).SumAsync(Ct);
        var workers = cluster.Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.SiloHost.Services.GetRequiredService<WorkerExecutor>()).ToList();
        var appB = ((OrleansBackend)b.Backend).AppId;
        await WaitUntilAsync(() => workers.Sum(w => w.RunningTasks(appB)) == Slots, jobB);
        foreach (var name in gate.Started("a"))
        {
            gate.Open(name);
        }

        // B finishes although none of A's later tasks was let go: the slots A freed went to B first.
        Assert.Equal(Slots * (Slots - 1) / 2, await jobB.WaitAsync(TimeSpan.FromMinutes(2), Ct));
        Assert.Equal(Slots, gate.Started("b").Count);
        Assert.False(jobA.IsCompleted);
        Assert.InRange(gate.Started("a").Count, Slots, 2 * Slots);

        // Isolation: each application has its own directory and load context on every worker.
        var appA = ((OrleansBackend)a.Backend).Ticket;
        foreach (var worker in workers)
        {
            var (contextA, contextB) = (worker.Application(appA).LoadContext, worker.Application(((OrleansBackend)b.Backend).Ticket).LoadContext);
            Assert.NotSame(contextA, contextB);
            Assert.Contains(appA.AppId, contextA.Name, StringComparison.Ordinal);
        }

        for (var x = 0; x < 40; x++)
        {
            gate.Open($"a{x}");
        }

        Assert.Equal(780, await jobA.WaitAsync(TimeSpan.FromMinutes(2), Ct));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Task job)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!condition())
        {
            if (job.IsFaulted)
            {
                await job;
            }

            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within a minute");
            await Task.Delay(20, Ct);
        }
    }
}

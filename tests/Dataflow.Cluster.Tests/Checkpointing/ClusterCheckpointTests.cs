using Dataflow.Cluster.Tests.Support;
using Dataflow.Configuration;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;
using Orleans.Configuration;

namespace Dataflow.Cluster.Tests.Checkpointing;

/// <summary>
/// Checkpoints on a cluster: workers write and read a reliable checkpoint in a directory they all see (the source may
/// go), a file a worker cannot read is an error saying the directory must be shared, and a local checkpoint's
/// partition lost with its executor fails the job naming the RDD and the reliable checkpoint it needed. A cluster of
/// its own, since a silo is killed.
/// </summary>
public sealed class ClusterCheckpointTests : IAsyncLifetime
{
    private readonly InProcessCluster _cluster = new("checkpoints", silo => silo.Configure<ClusterMembershipOptions>(o =>
    {
        // Declare a killed silo dead within a few seconds (the defaults take tens of seconds).
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        o.NumVotesForDeathDeclaration = 1;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
    }));

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dataflow-cluster-checkpoints-" + Guid.NewGuid().ToString("N")[..12]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _cluster.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Checkpoint_WorkersWriteAndReadIt_SourceDeletedAndAMissingFileNamesSharedStorage()
    {
        await using var ctx = NewContext();
        ctx.SetCheckpointDirectory(Path.Combine(_root, "checkpoints"));
        Directory.CreateDirectory(_root);
        var input = Path.Combine(_root, "numbers.txt");
        File.WriteAllLines(input, Enumerable.Range(0, 2_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var pairs = ctx.TextFile(input, 4).Select(l => (int.Parse(l, System.Globalization.CultureInfo.InvariantCulture) % 10, 1L)).ReduceByKey((a, b) => a + b, 4).Checkpoint();
        Assert.Equal(10, await pairs.CountAsync(Ct));
        Assert.True(pairs.IsCheckpointed);
        File.Delete(input);

        Assert.Equal(Enumerable.Range(0, 10).ToDictionary(k => k, _ => 200L), (await pairs.ToListAsync(Ct)).ToDictionary(p => p.Key, p => p.Value));
        Assert.Empty(pairs.Dependencies);

        var part = Path.Combine(pairs.Checkpoint!.Directory!, "part-00002");
        File.Delete(part);
        var error = await Assert.ThrowsAsync<JobFailedException>(() => pairs.ToListAsync(Ct));
        var message = error.InnerException!.Message;
        Assert.Contains($"Checkpoint file '{part}' of RDD {pairs.Id}", message, StringComparison.Ordinal);
        Assert.Contains("must be storage that the driver and every worker see", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalCheckpoint_AfterItsExecutorIsLost_FailsNamingTheRddAndTheReliableCheckpoint()
    {
        await using var ctx = NewContext();
        var recorder = new EventRecorder();
        ctx.Listeners.Add(recorder);
        var rdd = ctx.Range(0, 8_000, 1, 8).Select(x => x * 3).LocalCheckpoint();
        rdd.Name = "tripled";
        Assert.Equal(8_000, await rdd.CountAsync(Ct));
        Assert.True(rdd.IsCheckpointed);
        await ctx.Listeners.FlushAsync();
        var holders = recorder.Events.OfType<TaskEndEvent>().Select(e => e.ExecutorId).Distinct().ToList();
        Assert.Equal(2, holders.Count);

        var victim = _cluster.Cluster.Silos.Single(s => s.SiloAddress.ToParsableString() == holders[0]);
        await _cluster.Cluster.KillSiloAsync(victim, Ct);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!recorder.Events.OfType<ExecutorRemovedEvent>().Any(e => e.ExecutorId == holders[0]) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
            await ctx.Listeners.FlushAsync();
        }

        var error = await Assert.ThrowsAsync<JobFailedException>(() => rdd.Select(x => (long)x).SumAsync(Ct));
        var message = error.InnerException!.Message;
        Assert.Contains("of RDD " + rdd.Id + " (tripled) was locally checkpointed and its block is gone", message, StringComparison.Ordinal);
        Assert.Contains("use Checkpoint() with SetCheckpointDirectory", message, StringComparison.Ordinal);
    }

    private DataflowContext NewContext() => new(new DataflowOptions { Master = _cluster.Master });
}

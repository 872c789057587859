using Dataflow.Cluster.Driver;
using Dataflow.Cluster.Grains;
using Dataflow.Cluster.Tests.Support;
using Dataflow.Cluster.Worker;
using Dataflow.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace Dataflow.Cluster.Tests.Security;

/// <summary>
/// Workers with a cluster key admit only drivers that prove they hold it, accept nothing before (no assembly, no
/// directory), and serve an application's blocks only to requests carrying that application's ticket. A cluster of its
/// own, whose workers have a key.
/// </summary>
public sealed class ClusterAdmissionTests : IAsyncLifetime
{
    private const string Key = "right-key-0123456789abcdef";

    private readonly LogRecorder _log = new();
    private readonly InProcessCluster _cluster;

    public ClusterAdmissionTests() =>
        _cluster = new InProcessCluster("keyed", configure: silo => silo.Services.AddSingleton<ILoggerProvider>(_log), configureOptions: o => o.Cluster.Key = Key);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IReadOnlyList<WorkerExecutor> Workers =>
        [.. _cluster.Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.SiloHost.Services.GetRequiredService<WorkerExecutor>())];

    public ValueTask InitializeAsync() => _cluster.InitializeAsync();

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task DriverWithWrongOrNoKey_IsRefusedAndNothingOfItIsWritten_ThenTheRightKeyRuns()
    {
        var wrong = await Assert.ThrowsAsync<ClusterUnavailableException>(async () =>
        {
            await using var ctx = new DataflowContext(new DataflowOptions { Master = _cluster.Master, Cluster = { Key = "wrong-key-0123456789abcdef" } });
        });
        Assert.Contains("did not admit this driver", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("does not match this worker's cluster key", wrong.Message, StringComparison.Ordinal);
        var none = await Assert.ThrowsAsync<ClusterUnavailableException>(async () =>
        {
            await using var ctx = new DataflowContext(new DataflowOptions { Master = _cluster.Master });
        });
        Assert.Contains("the driver has no cluster key and this worker requires one", none.Message, StringComparison.Ordinal);
        Assert.Contains("set Dataflow:Cluster:KeyFile", none.Message, StringComparison.Ordinal);

        // Nothing was accepted: no blob (the job's assemblies), no application, no directory.
        Assert.All(Workers, w => Assert.Equal(0, w.Blobs.Count("")));
        Assert.All(Workers, w => Assert.Empty(w.Status().Applications));
        Assert.All(Workers, w => Assert.Equal(0, w.Admission.AdmittedCount));
        Assert.Empty(Directory.Exists(_cluster.Root) ? Directory.GetDirectories(_cluster.Root, "apps", SearchOption.AllDirectories) : []);
        Assert.Equal(4, _log.Messages.Count(m => m.StartsWith("Refused application ", StringComparison.Ordinal)));

        await using var right = new DataflowContext(new DataflowOptions { Master = _cluster.Master, Cluster = { Key = Key } });
        Assert.Equal(4_950, await right.Range(0, 100, numSlices: 4).Select(x => x).SumAsync(Ct));
        Assert.All(Workers, w => Assert.True(w.Blobs.Count("asm-") > 0));
    }

    [Fact]
    public async Task RequestNamingAnotherApplicationsBlocks_IsRefusedAndLogged_AndTheWorkerServesTheOwner()
    {
        await using var a = new DataflowContext(new DataflowOptions { Master = _cluster.Master, Cluster = { Key = Key } });
        await using var b = new DataflowContext(new DataflowOptions { Master = _cluster.Master, Cluster = { Key = Key } });
        var cached = a.Range(0, 1_000, numSlices: 2).Select(x => x * 2).Cache();
        Assert.Equal(2, await cached.Select(x => (x % 2, 1)).ReduceByKey((p, q) => p + q, 2).CountAsync(Ct) + 1);
        Assert.Equal(0L, await b.Range(0, 10, numSlices: 2).Select(x => x * 0).SumAsync(Ct));
        var ticketA = ((OrleansBackend)a.Backend).Ticket;
        var ticketB = ((OrleansBackend)b.Backend).Ticket;
        var holder = Assert.Single(a.BlockLocations.OfRdd(cached.Id), l => l.Block.Partition == 0).ExecutorId;
        var blocks = _cluster.Cluster.Client.GetGrain<IBlockServiceGrain>(holder);
        var mapHolder = a.MapOutputs.Snapshot(0).First(s => s is not null)!;
        var shuffleHolder = _cluster.Cluster.Client.GetGrain<IBlockServiceGrain>(mapHolder.ExecutorId);

        // B's ticket with A's id, and A's id with a ticket of no one: refused, for cached blocks, shuffle blocks, broadcasts and results.
        var forged = new AppTicket(ticketA.AppId, ticketB.Token);
        var errors = new List<Exception>
        {
            await Assert.ThrowsAnyAsync<Exception>(() => blocks.ReadCachedBlock(forged, cached.Id, 0, 0, 1_000)),
            await Assert.ThrowsAnyAsync<Exception>(() => blocks.ReadCachedBlock(new AppTicket(ticketA.AppId, new byte[32]), cached.Id, 0, 0, 1_000)),
            await Assert.ThrowsAnyAsync<Exception>(() => shuffleHolder.ReadShuffleBlock(forged, 0, mapHolder.MapId, 0, 0, 1_000)),
            await Assert.ThrowsAnyAsync<Exception>(() => blocks.ReadBroadcastPiece(forged, 0, 0)),
            await Assert.ThrowsAnyAsync<Exception>(() => blocks.ReadResult(forged, 0, 0, 10)),
            await Assert.ThrowsAnyAsync<Exception>(() => _cluster.Cluster.Client.GetGrain<IExecutorGrain>(holder).RemoveApplication(forged)),
        };
        Assert.All(errors, e => Assert.Contains($"for application {ticketA.AppId}: the caller's ticket is not that application's", e.Message, StringComparison.Ordinal));
        Assert.Equal(errors.Count, _log.Messages.Count(m => m.Contains($"naming application {ticketA.AppId}: the caller's ticket is not that application's", StringComparison.Ordinal)));

        // The worker still serves A, with A's ticket, and A still runs jobs.
        var chunk = await blocks.ReadCachedBlock(ticketA, cached.Id, 0, 0, 1_000);
        Assert.True(chunk.TotalLength > 0);
        Assert.Equal(Enumerable.Range(0, 1_000).Sum(x => x * 2L), await cached.Select(x => (long)x).SumAsync(Ct));
    }

    [Fact]
    public async Task AdmitWithoutAFreshChallenge_IsRefused_SoAProofCannotBeReplayed()
    {
        var grain = _cluster.Cluster.Client.GetGrain<IExecutorGrain>(Workers[0].ExecutorId);
        var ticket = new AppTicket("replayapp1", new byte[32]);
        var challenge = await grain.Challenge(ticket.AppId);
        Assert.True(challenge.KeyRequired);
        var key = Dataflow.Cluster.Security.ClusterKey.Load(new DataflowClusterOptions { Key = Key })!;
        var driverNonce = Dataflow.Cluster.Security.ClusterKey.NewNonce();
        var proof = key.DriverProof(ticket.AppId, challenge.Nonce, driverNonce, ticket.Token);

        var workerProof = await grain.Admit(ticket, driverNonce, proof);
        var replay = await Assert.ThrowsAnyAsync<Exception>(() => grain.Admit(ticket, driverNonce, proof));

        Assert.Equal(key.WorkerProof(ticket.AppId, challenge.Nonce, driverNonce), workerProof);
        Assert.Contains("it answered no challenge of this worker", replay.Message, StringComparison.Ordinal);
        // Admitted with that ticket; the same id with another ticket uploads nothing.
        var other = new AppTicket(ticket.AppId, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 });
        await Assert.ThrowsAnyAsync<Exception>(() => grain.PutBlobChunk(other, "asm-00", 0, 1, [0]));
        // An admitted application uploads only its own stage payloads, and assemblies whose bytes match their hash.
        await Assert.ThrowsAnyAsync<Exception>(() => grain.PutBlobChunk(ticket, WorkerExecutor.BinaryKey("otherapp", 1), 0, 1, [0]));
        var bad = await Assert.ThrowsAnyAsync<Exception>(() => grain.PutBlobChunk(ticket, WorkerExecutor.AssemblyKey(new string('0', 64)), 0, 1, [0]));
        Assert.Contains("dropped", bad.Message, StringComparison.Ordinal);
        Assert.False(Workers[0].Blobs.Has(WorkerExecutor.AssemblyKey(new string('0', 64))));
        await grain.RemoveApplication(ticket).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}

/// <summary>A driver with a key does not ship its assemblies to workers that cannot prove they hold it (the shared cluster has no key).</summary>
public sealed class KeylessWorkerTests
{
    [Fact]
    public async Task DriverWithKey_RefusesWorkersWithoutOne()
    {
        await SharedCluster.StartAsync();
        var error = await Assert.ThrowsAsync<ClusterUnavailableException>(async () =>
        {
            await using var ctx = new DataflowContext(new DataflowOptions { Master = SharedCluster.Master, Cluster = { Key = "driver-key-0123456789abcdef" } });
        });
        Assert.Contains("has no cluster key, and this driver has one", error.Message, StringComparison.Ordinal);
    }
}

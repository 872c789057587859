using Dataflow.MLlib.ParameterServer;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.ParameterServer;

public sealed class SnapshotTests
{
    [Fact]
    public void SnapshotOffset_WritesAtTheSlowestClocksCongruentToIt()
    {
        using var directory = new TempDirectory();
        var settings = new ShardSettings(1, "bsp", new UpdaterSpec("sgd"), SnapshotEvery: 3, SnapshotDirectory: directory.Path, KeepSnapshots: true,
            SnapshotOffset: 1);
        var shard = new ParameterShard(0, 0, 2, settings);
        for (var c = 0; c < 8; c++)
        {
            shard.Push(0, c, [0], [1.0]);
            shard.Clock(0);
        }

        Assert.Equal([1, 4, 7], Enumerable.Range(0, 10).Where(k => File.Exists(ShardSnapshot.PathOf(directory.Path, 0, k))));
        Assert.Equal(4, ShardSnapshot.ReadFrom(ShardSnapshot.PathOf(directory.Path, 0, 4)).Clock);
    }

    [Theory]
    [InlineData("ssp:2")]
    [InlineData("asp")] // the shard also keeps the arrival-order rows ASP reads from; the snapshot is still by clock
    public async Task Snapshot_UnderSspAndAsp_HoldsExactlyTheUpdatesOfEarlierClocks_AndARestoreServesIt(string consistency)
    {
        using var directory = new TempDirectory();
        var settings = new ShardSettings(2, consistency, new UpdaterSpec("adagrad", RegParam: 0.1, RegularizedBelow: 3), Sparse: true,
            SnapshotEvery: 2, SnapshotDirectory: directory.Path);
        var shard = new ParameterShard(0, 0, 4, settings);
        // Worker 0 runs two clocks ahead: when the slowest clock reaches 2 its clock-2 and clock-3 updates are pending.
        for (var c = 0; c < 4; c++)
        {
            shard.Push(0, c, [0, 3], [1.0 + c, -2.0]);
            shard.Clock(0);
        }

        for (var c = 0; c < 2; c++)
        {
            shard.Push(1, c, [0, 1], [0.5, 0.25 * c]);
            shard.Clock(1);
        }

        Assert.Equal(2, ShardSnapshot.LatestComplete(directory.Path, 1));
        Assert.Equal(0, ShardSnapshot.LatestComplete(directory.Path, 2)); // shard 1 wrote none
        var snapshot = ShardSnapshot.ReadFrom(ShardSnapshot.PathOf(directory.Path, 0, 2));
        Assert.Equal(2, snapshot.Clock);

        // The reference: AdaGrad (η 0.5, ε 1e-8, λ 0.1 on keys 0 … 2) over clocks 0 and 1, worker 0 then worker 1.
        var w = new double[4];
        var g2 = new double[4];
        void Step(int key, double gradient)
        {
            var h = gradient + (key < 3 ? 0.1 * w[key] : 0);
            g2[key] += h * h;
            w[key] -= 0.5 * h / (Math.Sqrt(g2[key]) + 1e-8);
        }

        for (var c = 0; c < 2; c++)
        {
            Step(0, (float)(1.0 + c));
            Step(3, -2.0);
            Step(0, 0.5);
            Step(1, (float)(0.25 * c));
        }

        Assert.Equal([0, 1, 3], snapshot.Keys);
        Assert.Equal(new[] { w[0], w[1], w[3] }, snapshot.Values);
        Assert.Equal(new[] { g2[0], g2[1], g2[3] }, snapshot.State);

        // More updates after the snapshot, then a restore: they are gone and every worker is back at clock 2.
        shard.Push(1, 2, [2], [5.0]);
        shard.Clock(1);
        await shard.RestoreAsync(2);
        Assert.Equal(2, shard.ClockOf(0));
        Assert.Equal(2, shard.MinClock);
        var (values, reply) = await shard.PullAsync(1, 2, [0, 1, 2, 3], TestContext.Current.CancellationToken);
        Assert.Equal(new[] { w[0], w[1], 0, w[3] }, values);
        Assert.Equal(2, reply.ReflectedClock);
    }

    [Fact]
    public void Snapshot_Corrupt_IsDetectedAndNamesTheFile()
    {
        using var directory = new TempDirectory();
        var snapshot = new ShardSnapshot(3, 10, 100, 50, 1, [100, 120], [0.5, -1.5], [2.0, 3.0]);
        snapshot.WriteTo(directory.Path);
        var path = ShardSnapshot.PathOf(directory.Path, 3, 10);
        var read = ShardSnapshot.ReadFrom(path);
        Assert.Equal(snapshot.Keys, read.Keys);
        Assert.Equal(snapshot.Values, read.Values);
        Assert.Equal(snapshot.State, read.State);
        Assert.Single(Directory.GetFiles(directory.Path)); // no temporary file left

        var bytes = File.ReadAllBytes(path);
        bytes[20] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => ShardSnapshot.ReadFrom(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Snapshots_OlderThanThePreviousOne_AreRemoved()
    {
        using var directory = new TempDirectory();
        foreach (var clock in new[] { 5, 10, 15 })
        {
            new ShardSnapshot(0, clock, 0, 1, 0, [0], [clock], []).WriteTo(directory.Path);
        }

        Assert.Equal(
            [ShardSnapshot.PathOf(directory.Path, 0, 10), ShardSnapshot.PathOf(directory.Path, 0, 15)],
            Directory.GetFiles(directory.Path).Order(StringComparer.Ordinal));
    }
}

using Dataflow.MLlib.ParameterServer;

namespace Dataflow.MLlib.Tests.ParameterServer;

/// <summary>
/// The SSP guarantee on the plain classes, with real threads and random delays: worker v's updates to logical key k
/// live at key k·W + v and each adds exactly 1 (SGD, constant step 1, gradient −1), so a read's value counts how many of
/// v's updates it includes; v's updates arrive in clock order, so that count says exactly which ones.
/// </summary>
public sealed class SspPropertyTests
{
    private const int Workers = 5;
    private const int LogicalKeys = 12;
    private const int Clocks = 25;

    [Theory]
    [InlineData("bsp", 1)]
    [InlineData("ssp:1", 2)]
    [InlineData("ssp:3", 3)]
    [InlineData("asp", 4)]
    public async Task Reads_WithRandomDelays_IncludeEveryUpdateTheBoundRequires(string consistencyText, int seed)
    {
        var consistency = Consistency.Parse(consistencyText);
        var ranges = new KeyRanges(LogicalKeys * Workers, 3);
        var settings = new ShardSettings(Workers, consistencyText, Plain);
        var shards = Enumerable.Range(0, 3).Select(s => (IParameterShard)new ParameterShard(s, ranges.First(s), ranges.Count(s), settings)).ToArray();
        // pushes[v][k]: the clocks at which worker v pushed logical key k, logged before the push is sent.
        var pushes = Enumerable.Range(0, Workers).Select(_ => Enumerable.Range(0, LogicalKeys).Select(_ => new List<int>()).ToArray()).ToArray();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var reads = 0;

        async Task RunWorker(int w)
        {
            var random = new Random((seed * 100) + w);
            // 64-byte chunks carry 5 keys: every read and push is cut into several chunks over several shards.
            var client = new PsClient(w, ranges, shards, consistency, maxChunkBytes: 64);
            for (var c = 0; c < Clocks; c++)
            {
                Thread.SpinWait(random.Next(0, 50_000));
                var logical = Enumerable.Range(0, LogicalKeys).Where(_ => random.NextDouble() < 0.5).ToArray();
                var keys = logical.SelectMany(k => Enumerable.Range(0, Workers).Select(v => (k * Workers) + v)).ToArray();
                var values = new double[keys.Length];
                await client.PullAsync(keys, values, TestContext.Current.CancellationToken);
                Interlocked.Increment(ref reads);
                for (var j = 0; j < keys.Length; j++)
                {
                    var (k, v) = (keys[j] / Workers, keys[j] % Workers);
                    int[] log;
                    lock (pushes[v][k])
                    {
                        log = [.. pushes[v][k]];
                    }

                    var seen = (int)values[j];
                    var required = v == w ? log.Length : consistency.Staleness is { } s ? log.Count(clock => clock <= c - s - 1) : 0;
                    if (seen < required || seen > log.Length)
                    {
                        failures.Enqueue($"{consistencyText}: worker {w} at clock {c} saw {seen} of worker {v}'s updates to key {k}; required {required}, pushed {log.Length}");
                    }

                    if (consistency.Staleness == 0 && v != w && seen != log.Count(clock => clock < c))
                    {
                        failures.Enqueue($"bsp: worker {w} at clock {c} saw {seen} of worker {v}'s updates to key {k}, not exactly those of clocks < {c}");
                    }
                }

                Thread.SpinWait(random.Next(0, 50_000));
                var pushed = Enumerable.Range(0, LogicalKeys).Where(_ => random.NextDouble() < 0.4).ToArray();
                foreach (var k in pushed)
                {
                    lock (pushes[w][k])
                    {
                        pushes[w][k].Add(c);
                    }
                }

                await client.PushAsync([.. pushed.Select(k => (k * Workers) + w)], [.. pushed.Select(_ => -1.0)]);
                await client.ClockAsync();
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => RunWorker(w))));

        Assert.Empty(failures);
        Assert.Equal(Workers * Clocks, reads);
        // After the last clock every update is committed: each key counts all of its worker's pushes.
        var model = await PsClient.ReadModelAsync(ranges, shards);
        for (var key = 0; key < model.Length; key++)
        {
            Assert.Equal(pushes[key % Workers][key / Workers].Count, model[key]);
        }
    }

    [Fact]
    public async Task Cache_InsideTheBound_ServesReadsWithoutRoundTrips()
    {
        var ranges = new KeyRanges(8, 2);
        var settings = new ShardSettings(2, "ssp:2", Plain);
        var shards = Enumerable.Range(0, 2).Select(s => new ParameterShard(s, ranges.First(s), ranges.Count(s), settings)).ToArray();
        var fast = new PsClient(0, ranges, shards, Consistency.Ssp(2));
        var slow = new PsClient(1, ranges, shards, Consistency.Ssp(2));
        int[] keys = [1, 2, 5, 6];
        var values = new double[4];

        await fast.PullAsync(keys, values, TestContext.Current.CancellationToken);
        Assert.Equal(2, fast.PullMessages); // one per shard; the values reflect clock 0
        await fast.PushAsync([2], [-1.0]);
        await fast.ClockAsync();
        await fast.PullAsync(keys, values, TestContext.Current.CancellationToken); // clock 1: rows reflecting clock 0 are fresh (0 ≥ 1 − 2); key 2 was pushed
        Assert.Equal(3, fast.PullMessages);
        Assert.Equal(1.0, values[1]); // its own update, still pending on the shard
        Assert.Equal(3, fast.CachedReads);
        await fast.ClockAsync();
        await fast.PullAsync(keys, values, TestContext.Current.CancellationToken); // clock 2: still fresh (0 ≥ 0)
        Assert.Equal(3, fast.PullMessages);
        Assert.Equal(7, fast.CachedReads);
        await fast.ClockAsync();

        var blocked = fast.PullAsync(keys, values, TestContext.Current.CancellationToken); // clock 3: needs every worker at clock 1, the slow one is at 0
        Assert.False(blocked.IsCompleted);
        Assert.Equal(5, fast.PullMessages);
        await slow.ClockAsync();
        await blocked;
        Assert.Equal(1, fast.BlockedReads);
        Assert.Equal(1.0, values[1]);
    }

    [Fact]
    public async Task Asp_NeverWaits_AndPullsEveryClock()
    {
        var ranges = new KeyRanges(4, 1);
        var shard = new ParameterShard(0, 0, 4, new ShardSettings(2, "asp", Plain));
        var fast = new PsClient(0, ranges, [shard], Consistency.Asp);
        var values = new double[2];
        for (var c = 0; c < 10; c++)
        {
            await fast.PullAsync([0, 3], values, TestContext.Current.CancellationToken);
            await fast.PullAsync([0, 3], values, TestContext.Current.CancellationToken); // the same clock: from the cache
            await fast.PushAsync([0], [-1.0]);
            await fast.ClockAsync();
        }

        Assert.Equal(10, fast.PullMessages);
        Assert.Equal(0, fast.BlockedReads);
        Assert.Equal(0, shard.MinClock); // the other worker never clocked
        await fast.PullAsync([0], values, TestContext.Current.CancellationToken);
        Assert.Equal(10.0, values[0]); // its own updates, all pending
    }

    internal static UpdaterSpec Plain { get; } = new("sgd", Step: 1, Decay: 0);
}

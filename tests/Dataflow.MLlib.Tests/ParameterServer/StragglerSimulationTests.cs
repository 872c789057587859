using Dataflow.MLlib.ParameterServer;
using Microsoft.Extensions.Time.Testing;

namespace Dataflow.MLlib.Tests.ParameterServer;

/// <summary>
/// A discrete-event run of four workers on a real shard with a fake clock: each clock a worker pulls, computes for one
/// time unit (worker 0 for three on a seeded half of its clocks: a transient straggler), pushes and clocks. The shard
/// measures waiting on the fake clock.
/// </summary>
public sealed class StragglerSimulationTests
{
    private const int Workers = 4;
    private const int Clocks = 40;

    [Fact]
    public void Ssp3_WithATransientStraggler_BlocksFewerTimesAndForLessTimeThanBsp()
    {
        var bsp = Simulate("bsp");
        var ssp = Simulate("ssp:3");

        Assert.True(ssp.Blocked < bsp.Blocked, $"ssp:3 blocked {ssp.Blocked} times, bsp {bsp.Blocked}");
        Assert.True(ssp.Wait < bsp.Wait, $"ssp:3 waited {ssp.Wait}, bsp {bsp.Wait}");
        // BSP: on each of the straggler's slow clocks but the last, the three others wait two units each.
        var slow = SlowClocks().Take(Clocks - 1).Count(s => s);
        Assert.Equal(3 * slow, bsp.Blocked);
        Assert.Equal(TimeSpan.FromSeconds(3 * 2 * slow), bsp.Wait);
    }

    [Fact]
    public void Ssp0_BlocksExactlyAsBsp()
    {
        var bsp = Simulate("bsp");
        var ssp0 = Simulate("ssp:0");
        Assert.Equal(bsp, ssp0);
        Assert.True(bsp.Blocked > 0);
    }

    private static bool[] SlowClocks()
    {
        var random = new Random(2013);
        return [.. Enumerable.Range(0, Clocks).Select(_ => random.NextDouble() < 0.5)];
    }

    private static (long Blocked, TimeSpan Wait) Simulate(string consistency)
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var shard = new ParameterShard(0, 0, 8, new ShardSettings(Workers, consistency, SspPropertyTests.Plain), time);
        var slow = SlowClocks();
        var clock = new int[Workers];
        var readyAt = new TimeSpan?[Workers]; // when the worker's compute ends; null while its pull waits
        var pulls = new Task<(double[] Values, PullReply Reply)>?[Workers];
        var wait = TimeSpan.Zero;
        int[] keys = [0, 1, 2, 3, 4, 5, 6, 7];

        void StartClock(int w, TimeSpan now)
        {
            if (clock[w] == Clocks)
            {
                readyAt[w] = TimeSpan.MaxValue;
                return;
            }

            pulls[w] = shard.PullAsync(w, clock[w], keys);
            readyAt[w] = pulls[w]!.IsCompleted ? now + Compute(w) : null;
        }

        TimeSpan Compute(int w) => TimeSpan.FromSeconds(w == 0 && slow[clock[w]] ? 3 : 1);

        for (var w = 0; w < Workers; w++)
        {
            StartClock(w, TimeSpan.Zero);
        }

        while (readyAt.Any(r => r != TimeSpan.MaxValue))
        {
            // Every compute that ends next (by worker id) pushes and clocks; then those workers pull again. Blocked
            // workers wait for a Clock() to serve them.
            var now = readyAt.Where(r => r is { } t && t != TimeSpan.MaxValue).Min()!.Value;
            time.SetUtcNow(start + now);
            var done = Enumerable.Range(0, Workers).Where(w => readyAt[w] == now).ToArray();
            foreach (var w in done)
            {
                wait += TimeSpan.FromTicks(pulls[w]!.GetAwaiter().GetResult().Reply.WaitTicks);
                shard.Push(w, clock[w], [w], [-1.0]);
                shard.Clock(w);
                clock[w]++;
            }

            foreach (var w in done)
            {
                StartClock(w, now);
            }

            for (var w = 0; w < Workers; w++)
            {
                if (readyAt[w] is null && pulls[w]!.IsCompleted)
                {
                    readyAt[w] = now + Compute(w);
                }
            }
        }

        return (shard.ReadsBlocked, wait);
    }
}

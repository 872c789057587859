using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dataflow.MLlib.ParameterServer;

namespace Dataflow.Benchmarks;

/// <summary>
/// Parameter-server round trips in one process (in-process shards, the local mode's path): one pull and one push of a
/// sparse set of keys drawn from a 10^6-key model over 4 AdaGrad shards, as a worker does each clock (the wire encoding
/// and decoding included; no network).
/// </summary>
internal static class PsBenchmarks
{
    /// <param name="results">Where the tables go.</param>
    /// <param name="master">An <c>orleans://</c> master: the round trips are also measured against shard grains on its workers.</param>
    public static async Task RunAsync(StringBuilder results, string? master = null)
    {
        await RoundTripsAsync(results, "in-process shards (local mode)", (ranges, settings) =>
            Task.FromResult<IReadOnlyList<IParameterShard>>([.. Enumerable.Range(0, 4).Select(s => (IParameterShard)new ParameterShard(s, ranges.First(s), ranges.Count(s), settings))]));
        if (master is not null)
        {
            await using var ctx = new DataflowContext(master);
            var host = ShardHosts.For(ctx) ?? throw new InvalidOperationException($"--master {master} is not a cluster master.");
            var run = 0;
            await RoundTripsAsync(results, $"shard grains on the workers of {master}, client in the driver", (ranges, settings) =>
                host.CreateAsync("ps-benchmark-" + run++ + "-" + Guid.NewGuid().ToString("N"), ranges, settings));
        }

        await StalenessAsync(results);
    }

    private static async Task RoundTripsAsync(StringBuilder results, string where, Func<KeyRanges, ShardSettings, Task<IReadOnlyList<IParameterShard>>> create)
    {
        results.AppendLine("## Parameter server: pull + push round trip, " + where);
        results.AppendLine();
        results.AppendLine("| keys per message | model keys | shards | round trips | ms per pull+push | keys/s (pulled + pushed) | bytes per round trip |");
        results.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var keys in new[] { 1_000, 100_000 })
        {
            const int model = 1_000_000;
            var ranges = new KeyRanges(model, 4);
            var settings = new ShardSettings(1, "bsp", new UpdaterSpec(), Sparse: true);
            var shards = await create(ranges, settings);
            var client = new PsClient(0, ranges, shards, Consistency.Bsp);
            var random = new Random(7);
            var set = Enumerable.Range(0, keys).Select(_ => random.Next(model)).Distinct().Order().ToArray();
            var values = new double[set.Length];
            var gradients = set.Select(_ => random.NextDouble() - 0.5).ToArray();
            var reps = keys >= 100_000 ? 20 : 500;
            for (var i = 0; i < 3; i++)
            {
                await RoundTrip(client, set, values, gradients);
            }

            var bytesBefore = client.BytesSent + client.BytesReceived;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < reps; i++)
            {
                await RoundTrip(client, set, values, gradients);
            }

            var seconds = watch.Elapsed.TotalSeconds;
            var bytes = (client.BytesSent + client.BytesReceived - bytesBefore) / reps;
            results.AppendLine(CultureInfo.InvariantCulture,
                $"| {set.Length} | {model} | 4 | {reps} | {1000 * seconds / reps:F3} | {2.0 * set.Length * reps / seconds:E3} | {bytes} |");
        }

        results.AppendLine();
        results.AppendLine("Each round trip is a BSP clock of one worker: pull (served at once: the worker is the slowest), push (kept");
        results.AppendLine("pending), clock (commits it with AdaGrad on sparse rows).");
        results.AppendLine();
    }

    /// <summary>
    /// The read path against the staleness window: worker 0 runs 300 clocks of pull + push + clock on 2,000 keys while
    /// worker 1 (same keys) pushes and clocks only when the bound would block worker 0, so the shards hold S + 1 clocks
    /// of pending updates under <c>ssp:S</c> and every clock's under <c>asp</c>. One thread, in-process shards.
    /// </summary>
    private static async Task StalenessAsync(StringBuilder results)
    {
        results.AppendLine("## Parameter server: pull + push + clock against the staleness window (in-process shards)");
        results.AppendLine();
        results.AppendLine("| consistency | pending clocks at the end | clocks | ms per clock (worker 0) |");
        results.AppendLine("|---|---|---|---|");
        const int model = 100_000;
        const int clocks = 300;
        foreach (var consistency in new[] { "bsp", "ssp:1", "ssp:3", "ssp:10", "asp" })
        {
            var ranges = new KeyRanges(model, 4);
            var settings = new ShardSettings(2, consistency, new UpdaterSpec(), Sparse: true);
            var shards = Enumerable.Range(0, 4).Select(s => (IParameterShard)new ParameterShard(s, ranges.First(s), ranges.Count(s), settings)).ToArray();
            var parsed = Consistency.Parse(consistency);
            var fast = new PsClient(0, ranges, shards, parsed);
            var slow = new PsClient(1, ranges, shards, parsed);
            var random = new Random(11);
            var set = Enumerable.Range(0, 2_000).Select(_ => random.Next(model)).Distinct().Order().ToArray();
            var values = new double[set.Length];
            var gradients = set.Select(_ => (random.NextDouble() - 0.5) * 1e-3).ToArray();
            var watch = new Stopwatch();
            for (var c = 0; c < clocks; c++)
            {
                if (parsed.RequiredMinClock(c) is { } required && slow.Clock < required)
                {
                    await slow.PushAsync(set, gradients);
                    await slow.ClockAsync();
                }

                watch.Start();
                await RoundTrip(fast, set, values, gradients);
                watch.Stop();
            }

            results.AppendLine(CultureInfo.InvariantCulture,
                $"| {consistency} | {fast.Clock - slow.Clock} | {clocks} | {1000 * watch.Elapsed.TotalSeconds / clocks:F3} |");
        }

        results.AppendLine();
    }

    private static async Task RoundTrip(PsClient client, int[] keys, double[] values, double[] gradients)
    {
        await client.PullAsync(keys, values);
        await client.PushAsync(keys, gradients);
        await client.ClockAsync();
    }
}

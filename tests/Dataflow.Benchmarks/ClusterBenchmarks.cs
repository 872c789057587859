using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dataflow.Examples.WordCount;
using Dataflow.Scheduling;

namespace Dataflow.Benchmarks;

/// <summary>
/// Local mode against a cluster of real worker processes on this machine (cluster-config/local-cluster.sh): task
/// throughput, one-task job latency, WordCount, and remote fetch throughput between two workers.
/// </summary>
internal static class ClusterBenchmarks
{
    public static async Task RunAsync(StringBuilder results, string work, long wordCountBytes)
    {
        var repo = FindRepo();
        var runDir = Path.Combine(work, "cluster-run");
        var script = Path.Combine(repo, "cluster-config", "local-cluster.sh");
        var master = Run(script, runDir, "start", "2", "--slots", "1").Trim().Split('\n')[^1];
        try
        {
            results.AppendLine("## Cluster: 2 real worker processes × 1 slot (local-cluster.sh) vs local[2]");
            results.AppendLine();
            results.AppendLine("| measure | local[2] | cluster | target (cluster) |");
            results.AppendLine("|---|---|---|---|");
            var (localTps, localLatency) = await TasksAsync("local[2]");
            var (clusterTps, clusterLatency) = await TasksAsync(master);
            results.AppendLine(CultureInfo.InvariantCulture, $"| 10,000 empty tasks, tasks/s | {localTps:N0} | {clusterTps:N0} | ≥ 2,000 |");
            results.AppendLine(CultureInfo.InvariantCulture, $"| one-task job, median latency (ms) | {localLatency:F2} | {clusterLatency:F2} | ≤ 20 |");

            var input = Path.Combine(work, "cluster-wordcount.txt");
            ShuffleBenchmarks.RequireFreeSpace(work, wordCountBytes * 2);
            await WriteInputAsync(input, wordCountBytes);
            try
            {
                var local = await WordCountAsync("local[2]", input);
                var cluster = await WordCountAsync(master, input);
                results.AppendLine(CultureInfo.InvariantCulture,
                    $"| WordCount {wordCountBytes >> 20} MiB, best of 2 (s) | {local:F2} | {cluster:F2} (×{cluster / local:F2}) | ≤ 1.3 × local |");
            }
            finally
            {
                File.Delete(input);
            }

            var (mbs, bytes) = await RemoteFetchAsync(master);
            results.AppendLine(CultureInfo.InvariantCulture, $"| remote shuffle fetch between the 2 workers, MB/s | – | {mbs:F0} ({bytes >> 20} MiB remote) | – |");
            results.AppendLine();
        }
        finally
        {
            Run(script, runDir, "stop");
        }
    }

    /// <summary>
    /// A 64 MiB broadcast read by every executor of a 4-worker cluster, pieces fetched from peers vs from the driver
    /// only: what the driver sends, and how long the job takes.
    /// </summary>
    public static async Task BroadcastAsync(StringBuilder results, string work)
    {
        const int workers = 4;
        const int doubles = 8 << 20;
        var script = Path.Combine(FindRepo(), "cluster-config", "local-cluster.sh");
        var runDir = Path.Combine(work, "broadcast-run");
        var master = Run(script, runDir, "start", workers.ToString(CultureInfo.InvariantCulture), "--slots", "1", "--executor-memory", "1g").Trim().Split('\n')[^1];
        try
        {
            results.AppendLine(CultureInfo.InvariantCulture, $"## Broadcast of a 64 MiB value to {workers} real workers × 1 slot (4 MiB pieces), 2 runs each");
            results.AppendLine();
            results.AppendLine("| pieces from | pieces the driver sent | driver MiB sent | job with first use (s) |");
            results.AppendLine("|---|---|---|---|");
            foreach (var fromPeers in new[] { false, true, false, true })
            {
                var options = new Dataflow.Configuration.DataflowOptions { Master = master };
                options.Broadcast.FetchFromPeers = fromPeers;
                await using var ctx = new DataflowContext(options);
                var backend = (Dataflow.Cluster.Driver.OrleansBackend)ctx.Backend;
                await ctx.Range(0, 100, 1, 100).CountAsync(); // warm up every executor
                var values = ctx.Broadcast(Enumerable.Range(0, doubles).Select(i => (double)i).ToArray());
                var sw = Stopwatch.StartNew();
                _ = await ctx.Range(0, 2 * workers, 1, 2 * workers).Select(_ => values.Value.Sum()).ToArrayAsync();
                var seconds = sw.Elapsed.TotalSeconds;
                var pieces = backend.BroadcastPieceReads;
                results.AppendLine(CultureInfo.InvariantCulture,
                    $"| {(fromPeers ? "peers, then driver" : "driver only")} | {pieces} | {pieces * 4} | {seconds:F2} |");
            }

            results.AppendLine();
        }
        finally
        {
            Run(script, runDir, "stop");
        }
    }

    private static async Task<(double TasksPerSecond, double LatencyMs)> TasksAsync(string master)
    {
        await using var ctx = new DataflowContext(master);
        await ctx.Range(0, 100, 1, 100).CountAsync();
        var sw = Stopwatch.StartNew();
        await ctx.Range(0, 10_000, 1, 10_000).CountAsync();
        var tps = 10_000 / sw.Elapsed.TotalSeconds;
        var one = ctx.Parallelize(new[] { 1 }, 1);
        var latencies = new List<double>();
        for (var i = 0; i < 60; i++)
        {
            sw.Restart();
            await one.CountAsync();
            if (i >= 10)
            {
                latencies.Add(sw.Elapsed.TotalMilliseconds);
            }
        }

        latencies.Sort();
        return (tps, latencies[latencies.Count / 2]);
    }

    private static async Task<double> WordCountAsync(string master, string input)
    {
        await using var ctx = new DataflowContext(master);
        var best = double.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            var sw = Stopwatch.StartNew();
            _ = await ctx.TextFile(input).SelectMany(Words.Split).Select(w => (w, 1)).ReduceByKey((a, b) => a + b).ToListAsync();
            if (run > 0)
            {
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
            }
        }

        return best;
    }

    private static async Task<(double MBs, long Bytes)> RemoteFetchAsync(string master)
    {
        await using var ctx = new DataflowContext(master);
        var recorder = new StageRecorder();
        ctx.Listeners.Add(recorder);
        // 4 map tasks of 64 MiB of incompressible bytes into 2 reducers: about half of what each reducer reads is remote.
        _ = await ctx.Range(0, 4 * 1024, 1, 4)
            .Select(i => ((int)(i % 2), Bytes(i)))
            .PartitionBy(new Dataflow.Partitioning.HashPartitioner(2))
            .SelectPartitions(items => new[] { items.Sum(r => (long)r.Item2.Length) })
            .ToArrayAsync();
        await ctx.Listeners.FlushAsync();
        var reduce = recorder.Completed[^1];
        var seconds = reduce.Metrics.Duration.TotalSeconds / 2; // two reduce tasks ran in parallel
        return (reduce.Metrics.ShuffleRemoteReadBytes / 1e6 / seconds, reduce.Metrics.ShuffleRemoteReadBytes);
    }

    private static byte[] Bytes(long seed)
    {
        var bytes = new byte[64 * 1024];
        new Random((int)seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task WriteInputAsync(string path, long size)
    {
        var texts = new[] { "austen.txt", "jargon.txt" }.Select(n => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", n))).ToArray();
        await using var output = File.Create(path);
        for (var i = 0; output.Length < size; i++)
        {
            await output.WriteAsync(texts[i % texts.Length]);
        }
    }

    internal static string Run(string script, string runDir, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        info.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DATAFLOW_RUN_DIR"] = runDir;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? stdout : throw new InvalidOperationException($"local-cluster.sh {string.Join(' ', args)} failed ({process.ExitCode}).");
    }

    internal static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dataflow.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Dataflow.sln not found");
    }

    private sealed class StageRecorder : IDataflowListener
    {
        private readonly List<StageCompletedEvent> _completed = [];

        public List<StageCompletedEvent> Completed
        {
            get
            {
                lock (_completed)
                {
                    return [.. _completed];
                }
            }
        }

        public void OnEvent(DataflowEvent e)
        {
            if (e is StageCompletedEvent { FailureReason: null } stage)
            {
                lock (_completed)
                {
                    _completed.Add(stage);
                }
            }
        }
    }
}

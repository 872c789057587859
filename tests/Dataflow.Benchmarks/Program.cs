using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dataflow;
using Dataflow.Benchmarks;
using Dataflow.Examples.WordCount;

// Benchmarks of the engine spine (not tests). Usage:
//   dotnet run -c Release --project tests/Dataflow.Benchmarks -- [wordcount|tasks|all] [--size 1g] [--work DIR]
//   dotnet run -c Release --project tests/Dataflow.Benchmarks -- shuffle [--sort-size 2g] [--keys 1e7] [--edges 1000000]
//     (build the examples first: dotnet build -c Release examples/Sort examples/PageRank)
//   dotnet run -c Release --project tests/Dataflow.Benchmarks -- cluster [--size 1g]   (2 real workers via cluster-config/local-cluster.sh)
//   dotnet run -c Release --project tests/Dataflow.Benchmarks -- bypass                (GroupByKey: bypass-merge vs sorting map side)
//   dotnet run -c Release --project tests/Dataflow.Benchmarks -- broadcast             (4 real workers: broadcast pieces from peers vs driver)
//   dotnet run -c Release --project tests/Dataflow.Benchmarks -- mllib-kernels         (SimdKernels on 1 and 2 threads vs memory copy and a scalar loop)
//   dotnet run -c Release --project tests/Dataflow.Benchmarks -- mllib [--no-cluster]  (training passes through the engine: gradient GB/s, fixed cost per iteration, then mllib-kmeans)
//   dotnet run -c Release --project tests/Dataflow.Benchmarks -- rdd-model [--sizes 1e4,1e6,1e7]  (sparse LR: driver vs rdd vs ps per-iteration time and bytes, local[2])
//   dotnet run -c Release --project tests/Dataflow.Benchmarks -- checkpoint-loop       (1,000-iteration loop, checkpoints every 10: job-submission time at 100 vs 1,000)
//   dotnet run -c Release --project tests/Dataflow.Benchmarks -- mllib-kmeans          (k-means 1M × 100, k = 10, local[2]: seconds per Lloyd iteration)
//   dotnet run -c Release --project tests/Dataflow.Benchmarks -- bottleneck [--no-cluster] [--sizes 100,1000] [--volume 4m] [--iterations 5]
//     (per-iteration compute/broadcast/aggregate/scheduling/driver vs d, local[2] and 2 real workers: results/bottleneck/)
//   dotnet run -c Release --project tests/Dataflow.Benchmarks -- ps                    (parameter-server pull + push round trips of 1k and 100k sparse keys)
// Results are appended to tests/Dataflow.Benchmarks/results/ and printed.
var which = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
var size = Arg("--size") is { } s ? Dataflow.Configuration.ByteSize.Parse(s).Bytes : 1L << 30;
var work = Arg("--work") ?? Path.Combine(Path.GetTempPath(), "dataflow-bench");
var results = new StringBuilder();
results.AppendLine(CultureInfo.InvariantCulture, $"# Engine spine benchmarks, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
results.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes >> 30} GiB, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
results.AppendLine();

if (which is "wordcount" or "all")
{
    await WordCountBenchmark();
}

if (which is "tasks" or "all")
{
    await TaskBenchmark();
}

if (which is "cluster")
{
    await ClusterBenchmarks.RunAsync(results, work, size);
}

if (which is "bypass")
{
    await ShuffleBenchmarks.BypassMergeAsync(results);
}

if (which is "broadcast")
{
    await ClusterBenchmarks.BroadcastAsync(results, work);
}

if (which is "mllib-kernels")
{
    MllibKernelBenchmarks.Run(results);
}

if (which is "mllib")
{
    await MllibBenchmarks.RunAsync(results, work, cluster: !args.Contains("--no-cluster"));
}

if (which is "mllib" or "mllib-kmeans")
{
    await MllibKMeansBenchmarks.RunAsync(results);
}

if (which is "bottleneck")
{
    var sizes = Arg("--sizes") is { } list ? list.Split(',').Select(x => (int)double.Parse(x, CultureInfo.InvariantCulture)).ToArray() : [.. Dataflow.Examples.Bottleneck.SweepSettings.DefaultSizes];
    var volume = Arg("--volume") is { } v ? Dataflow.Configuration.ByteSize.Parse(v).Bytes : 4L << 20;
    var iterations = Arg("--iterations") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 5;
    await BottleneckBenchmarks.RunAsync(results, work, cluster: !args.Contains("--no-cluster"), sizes, volume, iterations);
}

if (which is "ps")
{
    await PsBenchmarks.RunAsync(results, Arg("--master"));
}

if (which is "rdd-model")
{
    var sizes = Arg("--sizes") is { } list ? list.Split(',').Select(x => (int)double.Parse(x, CultureInfo.InvariantCulture)).ToList() : [10_000, 1_000_000];
    await RddModelBenchmarks.RunAsync(results, sizes);
}

if (which is "checkpoint-loop")
{
    await CheckpointLoopBenchmarks.RunAsync(results);
}

if (which is "shuffle")
{
    var sortBytes = Arg("--sort-size") is { } sortSize ? Dataflow.Configuration.ByteSize.Parse(sortSize).Bytes : 2L << 30;
    var keys = Arg("--keys") is { } k ? (long)double.Parse(k, CultureInfo.InvariantCulture) : 10_000_000L;
    var edges = Arg("--edges") is { } e ? int.Parse(e, CultureInfo.InvariantCulture) : 1_000_000;
    await ShuffleBenchmarks.RunAsync(results, work, sortBytes, keys, edges);
}

Console.WriteLine(results);
var resultsDir = FindResultsDirectory();
var file = Path.Combine(resultsDir, which is "shuffle" or "cluster" or "broadcast" or "bypass" or "mllib-kernels" or "mllib" or "mllib-kmeans" or "bottleneck" or "ps" or "checkpoint-loop" or "rdd-model" ? $"{which}.md" : $"spine-{which}.md");
await File.WriteAllTextAsync(file, results.ToString());
Console.Error.WriteLine($"results written to {file}");
return 0;

async Task WordCountBenchmark()
{
    Directory.CreateDirectory(work);
    var input = Path.Combine(work, "wordcount-input.txt");
    ShuffleBenchmarks.RequireFreeSpace(work, (size * 2) + (1L << 30));

    try
    {
        var texts = new[] { "austen.txt", "jargon.txt" }.Select(n => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", n))).ToArray();
        await using (var output = File.Create(input))
        {
            for (var i = 0; output.Length < size; i++)
            {
                await output.WriteAsync(texts[i % texts.Length]);
            }
        }

        var bytes = new FileInfo(input).Length;
        var mb = bytes / 1e6;
        // Warm the page cache and the JIT for both, then time each twice and keep the better run.
        BaselineWordCount.Count(input, 2);
        var baselineTimes = new List<double>();
        Dictionary<string, int>? baseline = null;
        for (var run = 0; run < 2; run++)
        {
            var sw = Stopwatch.StartNew();
            baseline = BaselineWordCount.Count(input, 2);
            baselineTimes.Add(sw.Elapsed.TotalSeconds);
        }

        var engineTimes = new List<double>();
        List<(string Key, int Value)>? engine = null;
        for (var run = 0; run < 3; run++)
        {
            await using var ctx = new DataflowContext("local[2]");
            var sw = Stopwatch.StartNew();
            engine = await ctx.TextFile(input).SelectMany(Words.Split).Select(w => (w, 1)).ReduceByKey((a, b) => a + b).ToListAsync();
            if (run > 0)
            {
                engineTimes.Add(sw.Elapsed.TotalSeconds);
            }
        }

        if (engine!.Count != baseline!.Count || engine.Any(kv => baseline[kv.Key] != kv.Value))
        {
            throw new InvalidOperationException("The engine's counts differ from the baseline's.");
        }

        var baseMbs = mb / baselineTimes.Min();
        var engineMbs = mb / engineTimes.Min();
        results.AppendLine("## WordCount, local[2] vs a hand-written two-thread count");
        results.AppendLine(CultureInfo.InvariantCulture, $"Input: {bytes / (1 << 20)} MiB (austen.txt + jargon.txt repeated), {baseline.Count} distinct words.");
        results.AppendLine();
        results.AppendLine("| run | best time (s) | MB/s |");
        results.AppendLine("|---|---|---|");
        results.AppendLine(CultureInfo.InvariantCulture, $"| baseline (2 threads, span lookup) | {baselineTimes.Min():F2} | {baseMbs:F1} |");
        results.AppendLine(CultureInfo.InvariantCulture, $"| Dataflow local[2] | {engineTimes.Min():F2} | {engineMbs:F1} |");
        results.AppendLine();
        results.AppendLine(CultureInfo.InvariantCulture, $"Ratio engine/baseline throughput: **{engineMbs / baseMbs:F2}** (target >= 0.5, long-term 0.8).");
        results.AppendLine();
    }
    finally
    {
        File.Delete(input);
    }
}

async Task TaskBenchmark()
{
    await using var ctx = new DataflowContext("local[2]");
    // Warm-up.
    await ctx.Parallelize(Enumerable.Range(0, 1000), 1000).ForEachPartitionAsync(_ => { });
    var sw = Stopwatch.StartNew();
    await ctx.Parallelize(Enumerable.Range(0, 10_000), 10_000).ForEachPartitionAsync(_ => { });
    var tenThousand = sw.Elapsed;
    var tasksPerSecond = 10_000 / tenThousand.TotalSeconds;
    var latencies = new List<double>();
    var one = ctx.Parallelize([1], 1);
    for (var i = 0; i < 300; i++)
    {
        sw.Restart();
        await one.CountAsync();
        latencies.Add(sw.Elapsed.TotalMilliseconds);
    }

    latencies.Sort();
    results.AppendLine("## Scheduling overhead, local[2]");
    results.AppendLine(CultureInfo.InvariantCulture, $"- 10,000 empty tasks in one job: {tenThousand.TotalSeconds:F2} s, {tasksPerSecond:F0} tasks/s");
    results.AppendLine(CultureInfo.InvariantCulture, $"- one-task job latency over 300 jobs: median {latencies[150]:F3} ms, p95 {latencies[285]:F3} ms");
    results.AppendLine();
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string FindResultsDirectory()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Dataflow.sln")))
        {
            return Path.Combine(dir.FullName, "tests", "Dataflow.Benchmarks", "results");
        }
    }

    return Directory.GetCurrentDirectory();
}

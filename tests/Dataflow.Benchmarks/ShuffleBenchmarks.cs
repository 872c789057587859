using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dataflow.Configuration;
using Dataflow.Scheduling;

namespace Dataflow.Benchmarks;

/// <summary>
/// The spilling-shuffle benchmarks: Sort of a generated file against GNU sort with the same memory, ReduceByKey over
/// 10 million distinct keys under a 128 MiB budget, and PageRank on a generated power-law graph. The example programs
/// run as separate processes (as a user runs them) so that wall time and peak RSS are theirs alone.
/// </summary>
internal static class ShuffleBenchmarks
{
    public static async Task RunAsync(StringBuilder results, string work, long sortBytes, long distinctKeys, int edges)
    {
        Directory.CreateDirectory(work);
        results.AppendLine("## Spilling shuffle (local[2])");
        results.AppendLine();
        if (sortBytes > 0)
        {
            await SortAsync(results, work, sortBytes);
        }

        await ReduceByKeyAsync(results, distinctKeys);
        await BypassMergeAsync(results);
        await PageRankAsync(results, work, edges);
    }

    /// <summary>
    /// GroupByKey (no map-side combine) of 8 million 100-byte records into 4 partitions under a 256 MiB budget:
    /// the bypass-merge writer (the default) against the sorting, spilling one (<c>BypassMergeThreshold=0</c>),
    /// alternating, best of 2 each.
    /// </summary>
    public static async Task BypassMergeAsync(StringBuilder results)
    {
        const long records = 8_000_000;
        var best = new Dictionary<int, (double Seconds, long Spilled)> { [200] = (double.MaxValue, 0), [0] = (double.MaxValue, 0) };
        for (var round = 0; round < 2; round++)
        {
            foreach (var threshold in new[] { 200, 0 })
            {
                var options = new DataflowOptions { Master = "local[2]" };
                options.Executor.Memory = ByteSize.FromMiB(256);
                options.Shuffle.BypassMergeThreshold = threshold;
                await using var ctx = new DataflowContext(options);
                var spill = new SpillListener();
                ctx.Listeners.Add(spill);
                var watch = Stopwatch.StartNew();
                var groups = await ctx.Range(0, records, 1, 4).Select(x => (x % 100_000, "value-" + x.ToString("D12", CultureInfo.InvariantCulture) + new string('x', 76)))
                    .GroupByKey(4).LongCountAsync();
                var seconds = watch.Elapsed.TotalSeconds;
                await ctx.Listeners.FlushAsync();
                if (groups != 100_000)
                {
                    throw new InvalidOperationException($"GroupByKey returned {groups} groups, expected 100,000.");
                }

                if (seconds < best[threshold].Seconds)
                {
                    best[threshold] = (seconds, spill.SpillBytes);
                }
            }
        }

        results.AppendLine(CultureInfo.InvariantCulture, $"### GroupByKey, {records:N0} records of ~100 bytes into 4 partitions, 256 MiB budget, best of 2");
        results.AppendLine();
        results.AppendLine("| map side | time (s) | spilled (MiB) |");
        results.AppendLine("|---|---|---|");
        results.AppendLine(CultureInfo.InvariantCulture, $"| bypass merge (default, threshold 200) | {best[200].Seconds:F1} | {best[200].Spilled >> 20} |");
        results.AppendLine(CultureInfo.InvariantCulture, $"| sort and spill (`Dataflow:Shuffle:BypassMergeThreshold=0`) | {best[0].Seconds:F1} | {best[0].Spilled >> 20} |");
        results.AppendLine();
        results.AppendLine(CultureInfo.InvariantCulture, $"Speed-up of the bypass: **{best[0].Seconds / best[200].Seconds:F2}×**.");
        results.AppendLine();
    }

    private static async Task SortAsync(StringBuilder results, string work, long bytes)
    {
        var input = Path.Combine(work, "sort-input.txt");
        var gnuOutput = Path.Combine(work, "sort-gnu.txt");
        var engineOutput = Path.Combine(work, "sort-engine");
        RequireFreeSpace(work, bytes * 4);
        try
        {
            GenerateLines(input, bytes);
            var gnu = await TimeProcessAsync("/usr/bin/sort", ["-S", "256M", "--parallel=2", "-o", gnuOutput, input], ("LC_ALL", "C"));
            var engine = await TimeProcessAsync("dotnet",
                [ExampleDll("Sort"), "--input", input, "--output", engineOutput, "--executor-memory", "256m", "--master", "local[2]"]);
            var same = await SameBytesAsync(Directory.GetFiles(engineOutput, "part-*").Order(StringComparer.Ordinal), gnuOutput);
            var uncompressed = await TimeProcessAsync("dotnet",
                [ExampleDll("Sort"), "--input", input, "--output", engineOutput, "--overwrite", "--executor-memory", "256m", "--master", "local[2]",
                 "--conf", "Dataflow:Shuffle:Compress=false"]);
            same &= await SameBytesAsync(Directory.GetFiles(engineOutput, "part-*").Order(StringComparer.Ordinal), gnuOutput);
            results.AppendLine(CultureInfo.InvariantCulture, $"### Sort, {bytes >> 20} MiB of 100-byte lines, --executor-memory 256m vs `LC_ALL=C sort -S 256M --parallel=2`");
            results.AppendLine();
            results.AppendLine("| run | wall (s) | peak RSS (MiB) |");
            results.AppendLine("|---|---|---|");
            results.AppendLine(CultureInfo.InvariantCulture, $"| GNU sort | {gnu.Seconds:F1} | {gnu.PeakRssKiB / 1024} |");
            results.AppendLine(CultureInfo.InvariantCulture, $"| Dataflow Sort (LZ4 shuffle, the default) | {engine.Seconds:F1} | {engine.PeakRssKiB / 1024} |");
            results.AppendLine(CultureInfo.InvariantCulture, $"| Dataflow Sort, `Dataflow:Shuffle:Compress=false` | {uncompressed.Seconds:F1} | {uncompressed.PeakRssKiB / 1024} |");
            results.AppendLine();
            results.AppendLine(CultureInfo.InvariantCulture, $"Ratio engine/sort wall time: **{engine.Seconds / gnu.Seconds:F2}** with compression, **{uncompressed.Seconds / gnu.Seconds:F2}** without (target <= 1.0; peak RSS target <= 1024 MiB). Output identical to GNU sort in both runs: {same}.");
            results.AppendLine();
        }
        finally
        {
            File.Delete(input);
            File.Delete(gnuOutput);
            if (Directory.Exists(engineOutput))
            {
                Directory.Delete(engineOutput, recursive: true);
            }
        }
    }

    private static async Task ReduceByKeyAsync(StringBuilder results, long distinctKeys)
    {
        var options = new DataflowOptions { Master = "local[2]" };
        options.Executor.Memory = ByteSize.FromMiB(128);
        await using var ctx = new DataflowContext(options);
        var spill = new SpillListener();
        ctx.Listeners.Add(spill);
        var watch = Stopwatch.StartNew();
        // Default partitioning (two partitions in local[2]), as a user who does not tune it gets.
        var count = await ctx.Range(0, distinctKeys).Select(x => (x, 1L)).ReduceByKey((a, b) => a + b).LongCountAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        await ctx.Listeners.FlushAsync();
        if (count != distinctKeys)
        {
            throw new InvalidOperationException($"ReduceByKey returned {count} keys, expected {distinctKeys}.");
        }

        results.AppendLine(CultureInfo.InvariantCulture, $"### ReduceByKey, {distinctKeys:N0} distinct long keys, 128 MiB budget, default partitioning");
        results.AppendLine();
        results.AppendLine(CultureInfo.InvariantCulture, $"- time {seconds:F1} s; spilled {spill.SpillBytes >> 20} MiB; shuffle written {spill.ShuffleWriteBytes >> 20} MiB; peak task execution memory {spill.PeakMemory >> 20} MiB");
        results.AppendLine();
    }

    private static async Task PageRankAsync(StringBuilder results, string work, int edges)
    {
        var graph = Path.Combine(work, "pagerank-edges.txt");
        try
        {
            GeneratePowerLawGraph(graph, edges);
            var one = await TimeProcessAsync("dotnet", [ExampleDll("PageRank"), "--edges", graph, "--iterations", "1", "--top", "1", "--master", "local[2]"]);
            var twentyOne = await TimeProcessAsync("dotnet", [ExampleDll("PageRank"), "--edges", graph, "--iterations", "21", "--top", "1", "--master", "local[2]"]);
            results.AppendLine(CultureInfo.InvariantCulture, $"### PageRank, power-law graph of {edges:N0} edges");
            results.AppendLine();
            results.AppendLine(CultureInfo.InvariantCulture, $"- 1 iteration: {one.Seconds:F1} s in all; 21 iterations: {twentyOne.Seconds:F1} s; time per iteration (difference / 20): **{(twentyOne.Seconds - one.Seconds) / 20:F2} s**; peak RSS {twentyOne.PeakRssKiB / 1024} MiB");
            results.AppendLine();
        }
        finally
        {
            File.Delete(graph);
        }
    }

    /// <summary>Lines of 99 random printable ASCII bytes and a newline (the classic sort benchmark shape).</summary>
    private static void GenerateLines(string path, long bytes)
    {
        var random = new Random(42);
        var line = new byte[100];
        line[99] = (byte)'\n';
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (long written = 0; written < bytes; written += line.Length)
        {
            for (var i = 0; i < 99; i++)
            {
                line[i] = (byte)random.Next(32, 127);
            }

            output.Write(line);
        }
    }

    /// <summary>Edges whose endpoints follow a Zipf-like law (a few hubs, a long tail), as in web graphs.</summary>
    private static void GeneratePowerLawGraph(string path, int edges)
    {
        var random = new Random(7);
        var nodes = Math.Max(10, edges / 10);
        using var output = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        output.Write("# generated power-law graph\n");
        for (var e = 0; e < edges; e++)
        {
            var src = random.Next(nodes);
            var dst = (int)(nodes * Math.Pow(random.NextDouble(), 3));
            output.Write(string.Create(CultureInfo.InvariantCulture, $"n{src} n{dst}\n"));
        }
    }

    private static async Task<(double Seconds, long PeakRssKiB)> TimeProcessAsync(string program, string[] args, params (string Name, string Value)[] environment)
    {
        var rssFile = Path.GetTempFileName();
        var start = new ProcessStartInfo("/usr/bin/time") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-f", "%M", "-o", rssFile, program }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
        }

        var rss = long.Parse((await File.ReadAllLinesAsync(rssFile)).Last(l => l.Length > 0), CultureInfo.InvariantCulture);
        File.Delete(rssFile);
        return (seconds, rss);
    }

    private static async Task<bool> SameBytesAsync(IEnumerable<string> parts, string expected)
    {
        await using var reference = new FileStream(expected, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var a = new byte[1 << 20];
        var b = new byte[1 << 20];
        foreach (var part in parts)
        {
            await using var actual = new FileStream(part, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            int read;
            while ((read = await actual.ReadAsync(a)) > 0)
            {
                await reference.ReadExactlyAsync(b.AsMemory(0, read));
                if (!a.AsSpan(0, read).SequenceEqual(b.AsSpan(0, read)))
                {
                    return false;
                }
            }
        }

        return reference.Position == reference.Length;
    }

    private static string ExampleDll(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var dll = Path.Combine(dir.FullName, "examples", name, "bin", "Release", "net10.0", name + ".dll");
            if (File.Exists(dll))
            {
                return dll;
            }
        }

        throw new FileNotFoundException($"Build the example first: dotnet build -c Release examples/{name}");
    }

    /// <summary>Benchmarks check the disk before writing large files.</summary>
    internal static void RequireFreeSpace(string directory, long bytes)
    {
        var free = new DriveInfo(Path.GetPathRoot(Path.GetFullPath(directory))!).AvailableFreeSpace;
        if (free < bytes)
        {
            throw new IOException($"Need {bytes >> 20} MiB free in {directory}, have {free >> 20} MiB.");
        }
    }

    private sealed class SpillListener : IDataflowListener
    {
        public long SpillBytes { get; private set; }

        public long ShuffleWriteBytes { get; private set; }

        public long PeakMemory { get; private set; }

        public void OnEvent(DataflowEvent e)
        {
            if (e is TaskEndEvent { Succeeded: true } task)
            {
                SpillBytes += task.Metrics.SpillBytes;
                ShuffleWriteBytes += task.Metrics.ShuffleWriteBytes;
                PeakMemory = Math.Max(PeakMemory, task.Metrics.PeakExecutionMemory);
            }
        }
    }
}

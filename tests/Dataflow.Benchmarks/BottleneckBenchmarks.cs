using System.Globalization;
using System.Text;
using Dataflow.Examples.Bottleneck;

namespace Dataflow.Benchmarks;

/// <summary>
/// <c>-- bottleneck</c>: the bottleneck sweep of <c>LogisticRegression --benchmark-sweep</c> (the same code, linked
/// from the example) in <c>local[2]</c> and on 2 real workers started with <c>cluster-config/local-cluster.sh</c>, as the
/// mllib benchmark does. The CSV and plots go to <c>results/bottleneck/</c>, the summary into <c>results/bottleneck.md</c>.
/// </summary>
internal static class BottleneckBenchmarks
{
    public static async Task RunAsync(StringBuilder results, string work, bool cluster, IReadOnlyList<int> sizes, long volume, int iterations)
    {
        results.AppendLine(CultureInfo.InvariantCulture, $"## Bottleneck sweep, {Environment.ProcessorCount} cores");
        results.AppendLine();
        if (File.Exists("/proc/loadavg"))
        {
            results.AppendLine(CultureInfo.InvariantCulture, $"Load average at the start (the machine is shared): {File.ReadAllText("/proc/loadavg").Trim()}.");
            results.AppendLine();
        }

        var repo = ClusterBenchmarks.FindRepo();
        var output = Path.Combine(repo, "tests", "Dataflow.Benchmarks", "results", "bottleneck");
        var runDir = Path.Combine(work, "bottleneck-cluster-run");
        var script = Path.Combine(repo, "cluster-config", "local-cluster.sh");
        var modes = new List<(string, string)> { ("local[2]", "local[2]") };
        if (cluster)
            modes.Add(("cluster", ClusterBenchmarks.Run(script, runDir, "start", "2", "--slots", "1").Trim().Split('\n')[^1]));
        var summary = new StringWriter(CultureInfo.InvariantCulture);
        try
        {
            var settings = new SweepSettings(output, modes, SweepSettings.DefaultDevices(), sizes, 100_000, volume, 2, iterations, 7);
            await BottleneckSweep.RunAsync(settings, summary, Console.Error, CancellationToken.None);
        }
        finally
        {
            if (cluster)
                ClusterBenchmarks.Run(script, runDir, "stop");
        }

        results.AppendLine(CultureInfo.InvariantCulture, $"{volume >> 10} KiB of features per partition, 2 partitions, {iterations} L-BFGS iterations; medians of iterations 1..N, in ms:");
        results.AppendLine();
        results.AppendLine("```");
        results.Append(summary);
        results.AppendLine("```");
        if (File.Exists("/proc/loadavg"))
            results.AppendLine(CultureInfo.InvariantCulture, $"Load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}.");
    }
}

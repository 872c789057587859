using System.Globalization;
using SkiaSharp;

namespace Dataflow.Examples.Tests.LogisticRegression;

/// <summary>
/// <c>LogisticRegression --benchmark-sweep</c> on a tiny configuration (the CI run of the bottleneck sweep): a CSV
/// with every column and a row per iteration, phases that add up to the iteration, device transfers on the ILGPU
/// kernels only, PNG plots that decode, and a crossover line per configuration.
/// </summary>
public sealed class BottleneckSweepTests : IDisposable
{
    private static readonly string[] s_columns =
    [
        "mode", "device", "layout", "d", "iteration", "passes", "rows", "partitions", "wall_s", "compute_s", "broadcast_s", "aggregate_s",
        "scheduling_s", "driver_s", "kernel_s", "broadcast_fetch_s", "broadcast_bytes", "partial_bytes", "device_block_uploads", "device_bytes_up", "device_bytes_down",
    ];

    private readonly string _temp = Directory.CreateTempSubdirectory("sweep-test-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task TinySweep_WritesEveryColumnAndPlotsThatDecode()
    {
        var output = Path.Combine(_temp, "out");

        var result = await ProgramRunner.RunAsync("LogisticRegression", "--benchmark-sweep", "--out", output, "--sizes", "100,1000", "--dense-limit", "100",
            "--volume", "64k", "--iterations", "2", "--devices", "cpu,ilgpu-cpu", "--master", "local[2]");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = await File.ReadAllLinesAsync(Path.Combine(output, "bottleneck.csv"), Ct);
        Assert.Equal(s_columns, lines[0].Split(','));
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(rows, r => Assert.Equal(s_columns.Length, r.Length));
        var configurations = rows.GroupBy(r => (Mode: r[0], Device: r[1], Layout: r[2], D: int.Parse(r[3], CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(
            [("local[2]", "cpu", "dense", 100), ("local[2]", "cpu", "csr", 100), ("local[2]", "cpu", "csr", 1000),
                ("local[2]", "ilgpu-cpu", "dense", 100), ("local[2]", "ilgpu-cpu", "csr", 100), ("local[2]", "ilgpu-cpu", "csr", 1000)],
            configurations.Select(g => g.Key));
        foreach (var configuration in configurations)
        {
            var its = configuration.ToList();
            Assert.Equal("0", its[0][4]);
            Assert.True(its.Count >= 2, $"{configuration.Key}: {its.Count} iterations");
            foreach (var r in its)
            {
                var n = r.Skip(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                Assert.All(n, v => Assert.True(double.IsFinite(v) && v >= 0, string.Join(',', r)));
                var (wall, parts) = (n[5], n[6] + n[7] + n[8] + n[9] + n[10]);
                Assert.True(n[6] > 0 && wall > 0, string.Join(',', r));
                Assert.True(Math.Abs(parts - wall) <= (0.1 * wall) + 0.005, $"parts {parts} vs wall {wall}: {string.Join(',', r)}");
                Assert.True(n[11] <= n[6] + 1e-3, $"the kernel time lies inside the compute phase: {string.Join(',', r)}");
                Assert.True(n[13] >= 8 * configuration.Key.D, "the broadcast holds the model");
                Assert.Equal(2, n[4]);
                var uploads = n[15];
                if (configuration.Key.Device == "cpu")
                    Assert.Equal([0.0, 0, 0], n[15..18]);
                else
                    Assert.Equal(r[4] == "0" ? 2 : 0, uploads);
            }
        }

        foreach (var png in new[] { "breakdown-local-2-cpu.png", "breakdown-local-2-ilgpu-cpu.png", "communication-share.png" })
        {
            using var image = SKBitmap.Decode(Path.Combine(output, png));
            Assert.True(image is { Width: 960, Height: 540 }, png);
        }

        var crossovers = result.Stdout.Split('\n').Where(l => l.StartsWith("crossover ", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, crossovers.Count);
        Assert.Contains(crossovers, l => l.StartsWith("crossover local[2] ilgpu-cpu csr: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sweep_WithoutOut_IsAUsageError()
    {
        var result = await ProgramRunner.RunAsync("LogisticRegression", "--benchmark-sweep", "--sizes", "100");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--out", result.Stderr, StringComparison.Ordinal);
    }
}

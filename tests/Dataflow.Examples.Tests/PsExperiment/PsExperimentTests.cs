using System.Globalization;
using SkiaSharp;

namespace Dataflow.Examples.Tests.PsExperiment;

/// <summary>
/// <c>PsExperiment</c> end to end on a tiny configuration (seconds): results.csv with the header and a row per
/// worker per clock (PS) or per iteration (driver, rdd), the objective exactly on the clocks that are multiples of
/// --eval-every, PNGs that decode and have text, one summary row per mode; a seeded transient straggler slowed on
/// exactly the planned clocks; usage errors.
/// </summary>
public sealed class PsExperimentTests : IDisposable
{
    private const string Header = "mode,worker,clock,wall_seconds,objective,compute_seconds,communication_seconds,wait_seconds,bytes_sent,bytes_received";

    private readonly string _temp = Directory.CreateTempSubdirectory("psexperiment-test-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task TinyRun_EveryMode_WritesRowsPlotsAndSummary()
    {
        var output = Path.Combine(_temp, "out");
        string[] modes = ["driver", "ps-bsp", "ps-ssp:1", "ps-asp", "rdd"];

        var result = await ProgramRunner.RunAsync("PsExperiment", "--modes", string.Join(',', modes), "--workers", "2", "--rows", "300", "--features", "20",
            "--sparsity", "0.3", "--clocks", "6", "--eval-every", "2", "--out", output, "--master", "local[2]");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = await File.ReadAllLinesAsync(Path.Combine(output, "results.csv"), Ct);
        Assert.Equal(Header, lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(rows, r => Assert.Equal(10, r.Length));
        Assert.Equal(modes, rows.Select(r => r[0]).Distinct());
        foreach (var mode in modes)
        {
            var mine = rows.Where(r => r[0] == mode).ToList();
            string[] workers = mode is "driver" or "rdd" ? ["all"] : ["0", "1"];
            var expected = Enumerable.Range(1, 6).SelectMany(c => workers.Select(w => (w, c))).Order().ToList();
            Assert.Equal(expected, mine.Select(r => (r[1], int.Parse(r[2], CultureInfo.InvariantCulture))).Order().ToList());
            foreach (var r in mine)
            {
                var clock = int.Parse(r[2], CultureInfo.InvariantCulture);
                Assert.True(clock % 2 == 0 ? r[4].Length > 0 : r[4].Length == 0, $"objective on clock multiples of 2 only: {string.Join(',', r)}");
                if (r[4].Length > 0)
                {
                    var objective = double.Parse(r[4], CultureInfo.InvariantCulture);
                    // Log-loss of a model between the zero model (ln 2) and a perfect one (0), plus a small penalty.
                    Assert.True(objective > 0 && objective < Math.Log(2) + 0.05, string.Join(',', r));
                }

                foreach (var i in new[] { 3, 5, 6, 7 })
                {
                    var value = double.Parse(r[i], CultureInfo.InvariantCulture);
                    Assert.True(double.IsFinite(value) && value >= 0, string.Join(',', r));
                }

                Assert.True(long.Parse(r[8], CultureInfo.InvariantCulture) > 0 && long.Parse(r[9], CultureInfo.InvariantCulture) > 0, $"bytes move every clock: {string.Join(',', r)}");
            }

            // Wall time from the start of the mode's training grows with the clock, per worker.
            foreach (var worker in mine.GroupBy(r => r[1]))
            {
                var walls = worker.OrderBy(r => int.Parse(r[2], CultureInfo.InvariantCulture)).Select(r => double.Parse(r[3], CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(walls.Order(), walls);
            }
        }

        foreach (var png in new[] { "objective-vs-time.png", "objective-vs-clock.png", "time-split.png" })
        {
            using var image = SKBitmap.Decode(Path.Combine(output, png));
            Assert.True(image is { Width: 960, Height: 540 }, png);
            Assert.True(DarkPixels(image, 200, 760, 0, 30) > 100, $"{png}: the title band has text");
        }

        var summary = await File.ReadAllLinesAsync(Path.Combine(output, "summary.md"), Ct);
        var table = summary.Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.Equal(modes, table.Select(l => l.Split('|')[1].Trim()));
        Assert.Contains(summary, l => l.Contains("1.01 × the driver-mode L-BFGS optimum", StringComparison.Ordinal));
        Assert.Contains("ps-bsp: clock 2 objective", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.EnumerateDirectories(output).Any(), "the snapshots used for the objective are removed");
    }

    [Fact]
    public async Task TransientStraggler_SlowsExactlyTheSeededClocks_AndTheRowsRecordThem()
    {
        var output = Path.Combine(_temp, "straggler");
        const int Clocks = 10;
        const long Seed = 7;

        var result = await ProgramRunner.RunAsync("PsExperiment", "--modes", "ps-bsp,driver", "--workers", "2", "--rows", "200", "--features", "10",
            "--clocks", Clocks.ToString(CultureInfo.InvariantCulture), "--eval-every", "5", "--seed", Seed.ToString(CultureInfo.InvariantCulture),
            "--straggler", "1:3:0.5", "--target-objective", "0.6", "--out", output, "--master", "local[2]");

        Assert.True(result.ExitCode == 0, result.Stderr);
        // The documented rule, written out again: the first round(p × clocks) clocks of a Fisher–Yates shuffle drawn
        // from new Random(seed + 1000003 × (worker + 1)); results count clocks from 1.
        var order = Enumerable.Range(0, Clocks).ToArray();
        var random = new Random((int)(Seed + (1000003L * 2)));
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var planned = order.Take(5).Select(c => c + 1).Order().ToList();
        var slow = (await File.ReadAllLinesAsync(Path.Combine(output, "slow-clocks.csv"), Ct)).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(slow, s => Assert.Equal(("1", "3"), (s[1], s[3])));
        foreach (var mode in new[] { "ps-bsp", "driver" })
        {
            Assert.Equal(planned, slow.Where(s => s[0] == mode).Select(s => int.Parse(s[2], CultureInfo.InvariantCulture)).ToList());
        }

        Assert.All(slow.Where(s => s[0] == "driver"), s => Assert.True(double.Parse(s[5], CultureInfo.InvariantCulture) >= (2 * double.Parse(s[4], CultureInfo.InvariantCulture)) - 1e-6, string.Join(',', s)));
        slow = [.. slow.Where(s => s[0] == "ps-bsp")];

        var rows = (await File.ReadAllLinesAsync(Path.Combine(output, "results.csv"), Ct)).Skip(1).Select(l => l.Split(',')).ToList();
        foreach (var s in slow)
        {
            var kernels = double.Parse(s[4], CultureInfo.InvariantCulture);
            var slept = double.Parse(s[5], CultureInfo.InvariantCulture);
            Assert.True(slept >= (2 * kernels) - 1e-6, $"a 3× clock sleeps at least twice its kernel time: {string.Join(',', s)}");
            var row = Assert.Single(rows, r => r[0] == "ps-bsp" && r[1] == "1" && r[2] == s[2]);
            var compute = double.Parse(row[5], CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(compute - (kernels + slept)) <= 1e-5 * Math.Max(1, compute), $"the row's compute time holds the sleep: {string.Join(',', row)} vs {string.Join(',', s)}");
        }

        Assert.Contains("worker 1 ×3 on 50% of its clocks", await File.ReadAllTextAsync(Path.Combine(output, "summary.md"), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkerSweep_RunsEveryValue_AndPlotsTimeToTarget()
    {
        var output = Path.Combine(_temp, "sweep");

        var result = await ProgramRunner.RunAsync("PsExperiment", "--modes", "driver,ps-bsp", "--sweep", "workers=1,3", "--rows", "200", "--features", "10",
            "--clocks", "4", "--eval-every", "2", "--target-objective", "10", "--out", output, "--master", "local[2]");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = await File.ReadAllLinesAsync(Path.Combine(output, "sweep.csv"), Ct);
        Assert.Equal("workers,mode,time_to_target_seconds,final_objective,target_objective", lines[0]);
        // A target of 10 is reached at the first evaluation (clock 2) in every run.
        Assert.Equal(["1,driver", "1,ps-bsp", "3,driver", "3,ps-bsp"], lines.Skip(1).Select(l => string.Join(',', l.Split(',')[..2])));
        Assert.All(lines.Skip(1), l => Assert.NotEqual("", l.Split(',')[2]));
        var ps = (await File.ReadAllLinesAsync(Path.Combine(output, "workers-3", "results.csv"), Ct)).Skip(1).Where(l => l.StartsWith("ps-bsp,", StringComparison.Ordinal));
        Assert.Equal(["0", "1", "2"], ps.Select(l => l.Split(',')[1]).Distinct().Order());
        using var image = SKBitmap.Decode(Path.Combine(output, "sweep-time-to-target.png"));
        Assert.True(image is { Width: 960, Height: 540 } && DarkPixels(image, 200, 760, 0, 30) > 100);
    }

    [Theory]
    [InlineData("--sweep", "colour=1,2", "--sweep must be features=")]
    [InlineData("--modes", "driver,ps-bogus", "unknown mode 'ps-bogus'")]
    [InlineData("--modes", "ps-ssp:", "needs a staleness bound")]
    [InlineData("--straggler", "2:3", "worker 2 does not exist")]
    [InlineData("--algorithm", "svm", "--algorithm must be lr")]
    public async Task BadArguments_AreUsageErrors(string option, string value, string message)
    {
        var result = await ProgramRunner.RunAsync("PsExperiment", "--workers", "2", option, value, "--out", Path.Combine(_temp, "bad"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_temp, "bad")));
    }

    private static int DarkPixels(SKBitmap image, int left, int right, int top, int bottom)
    {
        var count = 0;
        for (var y = top; y < bottom; y++)
        {
            for (var x = left; x < right; x++)
            {
                var c = image.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 3 * 128)
                {
                    count++;
                }
            }
        }

        return count;
    }
}

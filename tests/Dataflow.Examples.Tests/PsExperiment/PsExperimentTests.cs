using System.Globalization;
using Dataflow.MLlib.Kernels;
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
            // Clocks count from 0 (the parameter-server issue's numbering).
            var expected = Enumerable.Range(0, 6).SelectMany(c => workers.Select(w => (w, c))).Order().ToList();
            Assert.Equal(expected, mine.Select(r => (r[1], int.Parse(r[2], CultureInfo.InvariantCulture))).Order().ToList());
            foreach (var r in mine)
            {
                var clock = int.Parse(r[2], CultureInfo.InvariantCulture);
                Assert.True(clock % 2 == 0 ? r[4].Length > 0 : r[4].Length == 0, $"objective on clock multiples of 2 only: {string.Join(',', r)}");
                if (r[4].Length > 0)
                {
                    var objective = double.Parse(r[4], CultureInfo.InvariantCulture);
                    // A log-loss: positive; one AdaGrad step of 0.5 on every weight may overshoot the zero model's ln 2.
                    Assert.True(objective > 0 && objective < 3, string.Join(',', r));
                }

                foreach (var i in new[] { 3, 5, 6, 7 })
                {
                    var value = double.Parse(r[i], CultureInfo.InvariantCulture);
                    Assert.True(double.IsFinite(value) && value >= 0, string.Join(',', r));
                }

                Assert.True(long.Parse(r[8], CultureInfo.InvariantCulture) > 0 && long.Parse(r[9], CultureInfo.InvariantCulture) > 0, $"bytes move every clock: {string.Join(',', r)}");
            }

            if (mode != "ps-asp")
            {
                // Training lowers the objective below the zero model's ln 2 by the last evaluated clock (4).
                var last = double.Parse(mine.Last(r => r[2] == "4")[4], CultureInfo.InvariantCulture);
                Assert.True(last < Math.Log(2), $"{mode}: objective {last} at clock 4");
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
        // Live progress: the driver's objective as it trains, the PS clocks as every worker finishes them, a final line per mode.
        Assert.Contains("driver: clock 2 objective", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("rdd: clock 4 objective", result.Stderr, StringComparison.Ordinal);
        Assert.All(modes, m => Assert.Contains($"{m}: done: 6 clocks", result.Stderr, StringComparison.Ordinal));
        Assert.DoesNotContain("objective", result.Stdout, StringComparison.Ordinal);
        var cuda = BlockKernels.FindCuda().DeviceName;
        Assert.Contains(cuda is null ? "- kernels (--device auto): simd" : $"- kernels (--device auto): ilgpu-cuda on {cuda}", string.Join('\n', summary), StringComparison.Ordinal);
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
        // from new Random(seed + 1000003 × (worker + 1)); results count clocks from 0, as the plan does.
        var order = Enumerable.Range(0, Clocks).ToArray();
        var random = new Random((int)(Seed + (1000003L * 2)));
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var planned = order.Take(5).Order().ToList();
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
        Assert.Equal("workers,mode,time_to_target_seconds,final_objective,target_objective,clocks,stopped_by_time,seconds_per_clock,bytes_per_clock", lines[0]);
        // A target of 10 is reached at the first evaluation (clock 0) in every run.
        Assert.Equal(["1,driver", "1,ps-bsp", "3,driver", "3,ps-bsp"], lines.Skip(1).Select(l => string.Join(',', l.Split(',')[..2])));
        Assert.All(lines.Skip(1), l => Assert.NotEqual("", l.Split(',')[2]));
        var ps = (await File.ReadAllLinesAsync(Path.Combine(output, "workers-3", "results.csv"), Ct)).Skip(1).Where(l => l.StartsWith("ps-bsp,", StringComparison.Ordinal));
        Assert.Equal(["0", "1", "2"], ps.Select(l => l.Split(',')[1]).Distinct().Order());
        using var image = SKBitmap.Decode(Path.Combine(output, "sweep-time-to-target.png"));
        Assert.True(image is { Width: 960, Height: 540 } && DarkPixels(image, 200, 760, 0, 30) > 100);
    }

    [Fact]
    public async Task ClockNumbering_FromZero_TheObjectiveOfClockCIsTheModelAfterUpdatesZeroToC()
    {
        // Four rows, two features, exact in float32; one worker, so driver-mode and PS-BSP both take full-batch AdaGrad
        // steps (η 0.5, ε 1e-8, λ on the weights only) and the reference below is that loop in float64.
        var file = Path.Combine(_temp, "tiny.csv");
        await File.WriteAllTextAsync(file, "a,b,y\n1,0.5,1\n-1,2,0\n0.5,-1,1\n2,1,0\n", Ct);
        double[][] x = [[1, 0.5], [-1, 2], [0.5, -1], [2, 1]];
        double[] y = [1, 0, 1, 0];
        const double Lambda = 0.01;
        var output = Path.Combine(_temp, "clocks");

        var result = await ProgramRunner.RunAsync("PsExperiment", "--data", file, "--modes", "driver,ps-bsp", "--workers", "1", "--clocks", "3",
            "--eval-every", "2", "--reg", "0.01", "--target-objective", "0.1", "--out", output, "--master", "local[1]");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var w = new double[3];
        var squares = new double[3];
        var after = new List<double>();
        for (var t = 0; t < 3; t++)
        {
            var g = new double[3];
            for (var i = 0; i < 4; i++)
            {
                var p = 1 / (1 + Math.Exp(-((w[0] * x[i][0]) + (w[1] * x[i][1]) + w[2])));
                g[0] += (p - y[i]) * x[i][0] / 4;
                g[1] += (p - y[i]) * x[i][1] / 4;
                g[2] += (p - y[i]) / 4;
            }

            for (var j = 0; j < 3; j++)
            {
                var h = g[j] + (j < 2 ? Lambda * w[j] : 0);
                squares[j] += h * h;
                w[j] -= 0.5 * h / (Math.Sqrt(squares[j]) + 1e-8);
            }

            var loss = 0.0;
            for (var i = 0; i < 4; i++)
            {
                var m = (w[0] * x[i][0]) + (w[1] * x[i][1]) + w[2];
                loss += (Math.Log(1 + Math.Exp(-Math.Abs(m))) + Math.Max(m, 0) - (y[i] * m)) / 4;
            }

            after.Add(loss + (0.5 * Lambda * ((w[0] * w[0]) + (w[1] * w[1]))));
        }

        var rows = (await File.ReadAllLinesAsync(Path.Combine(output, "results.csv"), Ct)).Skip(1).Select(l => l.Split(',')).ToList();
        foreach (var (mode, tolerance) in new[] { ("driver", 1e-9), ("ps-bsp", 1e-5) })
        {
            var mine = rows.Where(r => r[0] == mode).ToList();
            Assert.Equal([0, 1, 2], mine.Select(r => int.Parse(r[2], CultureInfo.InvariantCulture)));
            Assert.Equal("", mine[1][4]);
            foreach (var (row, clock) in new[] { (mine[0], 0), (mine[2], 2) })
            {
                var objective = double.Parse(row[4], CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(objective - after[clock]) <= tolerance * after[clock],
                    $"{mode} clock {clock}: objective {objective:R}, the model after updates 0 … {clock} has {after[clock]:R}");
            }
        }
    }

    [Fact]
    public async Task MaxSeconds_StopsEveryModeAtItsFirstClockBoundary_AndTheSummarySaysTheTargetWasNotReached()
    {
        var output = Path.Combine(_temp, "limited");
        string[] modes = ["driver", "ps-bsp", "ps-ssp:2", "ps-asp", "rdd"];

        var result = await ProgramRunner.RunAsync("PsExperiment", "--modes", string.Join(',', modes), "--workers", "2", "--rows", "200", "--features", "10",
            "--clocks", "50", "--eval-every", "5", "--max-seconds", "1e-6", "--target-objective", "0.001", "--out", output, "--master", "local[2]");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var rows = (await File.ReadAllLinesAsync(Path.Combine(output, "results.csv"), Ct)).Skip(1).Select(l => l.Split(',')).ToList();
        foreach (var mode in modes)
        {
            var mine = rows.Where(r => r[0] == mode).ToList();
            Assert.Equal(mode is "driver" or "rdd" ? ["all"] : ["0", "1"], mine.Select(r => r[1]));
            Assert.All(mine, r => Assert.True(r[2] == "0" && r[4].Length > 0, string.Join(',', r)));
            Assert.Contains($"{mode}: done: 1 clocks", result.Stderr, StringComparison.Ordinal);
        }

        var summary = await File.ReadAllLinesAsync(Path.Combine(output, "summary.md"), Ct);
        var table = summary.Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(1).Select(l => l.Split('|').Select(c => c.Trim()).ToArray()).ToList();
        Assert.All(table, r => Assert.Equal(("not reached", "1", "--max-seconds"), (r[2], r[4], r[5])));
        Assert.All(modes, m => Assert.Contains(summary, l => l.StartsWith($"- **{m} did not reach the target**", StringComparison.Ordinal)
            && l.Contains("the --max-seconds 1E-06 limit stopped it after 1 clocks", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Device_Gpu_RunsOnCudaOrIsAUsageErrorSayingThereIsNone()
    {
        var output = Path.Combine(_temp, "gpu");

        var result = await ProgramRunner.RunAsync("PsExperiment", "--device", "gpu", "--modes", "driver", "--workers", "2", "--rows", "100", "--features", "10",
            "--clocks", "2", "--eval-every", "1", "--target-objective", "1", "--out", output, "--master", "local[2]");

        if (BlockKernels.FindCuda().DeviceName is { } name)
        {
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Contains($"- kernels (--device gpu): ilgpu-cuda on {name}", await File.ReadAllTextAsync(Path.Combine(output, "summary.md"), Ct), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("--device gpu: no CUDA device was found", result.Stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(output, "results.csv")));
        }
    }

    [Theory]
    [InlineData("--max-seconds", "0", "--max-seconds must be")]
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

using System.Globalization;

namespace Dataflow.Examples.Tests.PsExperiment;

/// <summary><c>PsExperiment --algorithm mf</c> end to end on a tiny problem, and its usage errors.</summary>
public sealed class PsExperimentMfTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("psexperiment-mf-test-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task TinyRun_EveryMode_WritesRowsAndSummary_WithTheBestObjectiveTarget()
    {
        var output = Path.Combine(_temp, "out");
        string[] modes = ["driver", "ps-bsp", "ps-ssp:2", "ps-asp"];

        var result = await ProgramRunner.RunAsync("PsExperiment", "--algorithm", "mf", "--modes", string.Join(',', modes), "--workers", "2",
            "--users", "40", "--items", "30", "--rank", "3", "--ratings", "1500", "--clocks", "8", "--eval-every", "7", "--straggler", "1:2:0.5",
            "--out", output, "--master", "local[2]");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = await File.ReadAllLinesAsync(Path.Combine(output, "results.csv"), Ct);
        Assert.Equal("mode,worker,clock,wall_seconds,objective,compute_seconds,communication_seconds,wait_seconds,bytes_sent,bytes_received", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(modes, rows.Select(r => r[0]).Distinct());
        var finals = new Dictionary<string, double>();
        foreach (var mode in modes)
        {
            var mine = rows.Where(r => r[0] == mode).ToList();
            string[] workers = mode == "driver" ? ["all"] : ["0", "1"];
            Assert.Equal(Enumerable.Range(0, 8).SelectMany(c => workers.Select(w => (w, c))).Order(), mine.Select(r => (r[1], int.Parse(r[2], CultureInfo.InvariantCulture))).Order());
            var objectives = mine.Where(r => r[4].Length > 0).GroupBy(r => int.Parse(r[2], CultureInfo.InvariantCulture))
                .ToDictionary(g => g.Key, g => double.Parse(g.First()[4], CultureInfo.InvariantCulture));
            // Clocks from 0: the objectives are the model after clocks 0 and 7, the last.
            Assert.Equal([0, 7], objectives.Keys.Order());
            // Ratings have unit variance: the seeded start (factors of ±0.1) has an objective near 1, and training lowers it
            // (after the first PS clock it may be above: every worker touching a row applies its own AdaGrad step to it).
            Assert.All(objectives.Values, o => Assert.True(double.IsFinite(o) && o > 0, $"{mode}: {o}"));
            Assert.True(objectives[7] < 1.2, $"{mode}: {objectives[7]}");
            Assert.True(objectives[7] < objectives[0], $"{mode}: clock 0 {objectives[0]}, clock 7 {objectives[7]}");
            Assert.All(mine, r => Assert.True(long.Parse(r[8], CultureInfo.InvariantCulture) > 0 && long.Parse(r[9], CultureInfo.InvariantCulture) > 0));
            finals[mode] = objectives[7];
        }

        var summary = await File.ReadAllTextAsync(Path.Combine(output, "summary.md"), Ct);
        var table = summary.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.Equal(modes, table.Select(l => l.Split('|')[1].Trim()));
        // The final objective each trainer computed itself equals the one evaluated from the snapshot of the last clock
        // (offsets from the seeded start) and, in driver mode, the one recorded at that clock: one start in every mode.
        foreach (var line in table)
        {
            var cells = line.Split('|');
            Assert.Equal(finals[cells[1].Trim()], double.Parse(cells[3].Trim(), CultureInfo.InvariantCulture), 1e-7 * finals[cells[1].Trim()]);
        }

        var best = finals.MinBy(f => f.Value);
        Assert.Contains($"1.01 × the best objective any mode reached, {best.Value.ToString("G8", CultureInfo.InvariantCulture)} ({best.Key})", summary, StringComparison.Ordinal);
        Assert.Contains("worker 1 ×2 on 50% of its clocks", summary, StringComparison.Ordinal);
        var slow = (await File.ReadAllLinesAsync(Path.Combine(output, "slow-clocks.csv"), Ct)).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(modes, mode => Assert.Equal(4, slow.Count(s => s[0] == mode && s[1] == "1")));
        Assert.True(File.Exists(Path.Combine(output, "objective-vs-time.png")));
        Assert.False(Directory.EnumerateDirectories(output).Any(), "the snapshots used for the objective are removed");
    }

    [Theory]
    [InlineData("rdd mode (the model kept in an RDD) is logistic regression only", "--modes", "driver,rdd")]
    [InlineData("--sweep runs logistic regression only", "--sweep", "workers=1,2")]
    [InlineData("--data with --algorithm mf", "--data", "text")]
    [InlineData("--users, --items, --rank and --ratings must be 1 or more", "--rank", "0")]
    [InlineData("--max-seconds runs logistic regression only", "--max-seconds", "5")]
    public async Task BadArguments_AreUsageErrors(string message, string option, string value)
    {
        var result = await ProgramRunner.RunAsync("PsExperiment", "--algorithm", "mf", "--workers", "2", option, value, "--out", Path.Combine(_temp, "bad"),
            "--master", "local[2]");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_temp, "bad")));
    }
}

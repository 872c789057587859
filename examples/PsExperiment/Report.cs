using System.Globalization;
using System.Text;
using Dataflow.Plotting;

namespace Dataflow.Examples.PsExperiment;

/// <summary>Writes results.csv, slow-clocks.csv, the PNG plots and summary.md into the output directory.</summary>
internal static class Report
{
    public const string Header = "mode,worker,clock,wall_seconds,objective,compute_seconds,communication_seconds,wait_seconds,bytes_sent,bytes_received";

    public static void WriteResults(string path, IEnumerable<ModeResult> results)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var row in results.SelectMany(r => r.Rows))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{row.Mode},{row.Worker},{row.Clock},{N(row.WallSeconds)},{(row.Objective is { } o ? o.ToString("R", CultureInfo.InvariantCulture) : "")},{N(row.ComputeSeconds)},{N(row.CommunicationSeconds)},{N(row.WaitSeconds)},{row.BytesSent},{row.BytesReceived}\n");
        }

        File.WriteAllText(path, text.ToString());
    }

    public static void WriteSlowClocks(string path, IEnumerable<ModeResult> results)
    {
        var text = new StringBuilder("mode,worker,clock,factor,compute_seconds,slept_seconds\n");
        foreach (var row in results.SelectMany(r => r.SlowClocks))
        {
            text.Append(CultureInfo.InvariantCulture, $"{row.Mode},{row.Worker},{row.Clock},{row.Factor.ToString("R", CultureInfo.InvariantCulture)},{N(row.ComputeSeconds)},{N(row.SleptSeconds)}\n");
        }

        File.WriteAllText(path, text.ToString());
    }

    public static void WritePlots(string directory, IReadOnlyList<ModeResult> results)
    {
        Charts.Lines(Path.Combine(directory, "objective-vs-time.png"), "Objective vs wall time", "wall seconds", "objective",
            [.. results.Select(r => new LineSeries(r.Mode.Token, [.. r.Curve.Select(p => p.Wall)], [.. r.Curve.Select(p => p.Objective)]))]);
        Charts.Lines(Path.Combine(directory, "objective-vs-clock.png"), "Objective vs clock", "clock c, from 0 (objective after clocks 0 … c)", "objective",
            [.. results.Select(r => new LineSeries(r.Mode.Token, [.. r.Curve.Select(p => (double)p.Clock)], [.. r.Curve.Select(p => p.Objective)]))]);
        Charts.StackedBars(Path.Combine(directory, "time-split.png"), "Mean time per clock (per worker in PS modes)", "mode", "seconds",
            [.. results.Select(r => r.Mode.Token)],
            [
                new Series("compute", [.. results.Select(r => r.Rows.Select(x => x.ComputeSeconds).DefaultIfEmpty(0).Average())]),
                new Series("communication", [.. results.Select(r => r.Rows.Select(x => x.CommunicationSeconds).DefaultIfEmpty(0).Average())]),
                new Series("waiting", [.. results.Select(r => r.Rows.Select(x => x.WaitSeconds).DefaultIfEmpty(0).Average())]),
            ]);
    }

    public static void WriteSummary(string path, Settings settings, IReadOnlyList<ModeResult> results, double target, string targetSource, string data, string master)
    {
        var text = new StringBuilder();
        text.Append("# PsExperiment summary\n\n");
        text.Append("| mode | time to target (s) | final objective | clocks | stopped by | bytes moved | share of time waiting |\n");
        text.Append("|---|---|---|---|---|---|---|\n");
        foreach (var r in results)
        {
            var time = r.TimeTo(target) is { } t ? N(t) : r.Error is null ? "not reached" : "failed";
            var stop = r.Error is not null ? "an error" : r.StoppedByTime ? "--max-seconds" : "--clocks";
            text.Append(CultureInfo.InvariantCulture, $"| {r.Mode.Token} | {time} | {r.FinalObjective.ToString("G8", CultureInfo.InvariantCulture)} | {r.Clocks} | {stop} | {r.Bytes} | {(r.WaitShare * 100).ToString("F1", CultureInfo.InvariantCulture)}% |\n");
        }

        text.Append('\n');
        foreach (var r in results.Where(r => r.Error is not null))
        {
            text.Append(CultureInfo.InvariantCulture, $"- **{r.Mode.Token} failed**: {r.Error}\n");
        }

        foreach (var r in results.Where(r => r.Note is not null))
        {
            text.Append(CultureInfo.InvariantCulture, $"- **{r.Mode.Token}**: {r.Note}\n");
        }

        foreach (var r in results.Where(r => r.TimeTo(target) is null && r.Error is null))
        {
            var best = r.Curve.Count == 0 ? "no clock was evaluated" : string.Create(CultureInfo.InvariantCulture,
                $"its best evaluated objective was {r.Curve.Min(p => p.Objective):G8} (clock {r.Curve.MinBy(p => p.Objective).Clock})");
            var why = r.StoppedByTime
                ? string.Create(CultureInfo.InvariantCulture, $"the --max-seconds {settings.MaxSeconds} limit stopped it after {r.Clocks} clocks")
                : string.Create(CultureInfo.InvariantCulture, $"it ran all {r.Clocks} clocks");
            text.Append(CultureInfo.InvariantCulture, $"- **{r.Mode.Token} did not reach the target**: {best}; {why}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"- target objective: {target.ToString("G8", CultureInfo.InvariantCulture)} ({targetSource}); time to target is the wall time (from the start of the mode's training) of the first evaluated clock at or below it (PS: when the slowest worker finished that clock)\n");
        text.Append(CultureInfo.InvariantCulture, $"- machine: {Environment.MachineName}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, load average at the end {LoadAverage()}\n");
        text.Append(CultureInfo.InvariantCulture, $"- workers: {settings.Workers}; master: {master}; data: {data}; seed {settings.Seed}\n");
        text.Append(CultureInfo.InvariantCulture, $"- kernels (--device {BlockKernelsName(settings)}): {settings.DeviceDescription}\n");
        text.Append(settings.MaxSeconds is { } limit
            ? string.Create(CultureInfo.InvariantCulture, $"- time limit: --max-seconds {N(limit)} per mode (each mode stops at the first clock boundary after it; PS: every worker, then it ends its remaining clocks without updates so no other worker waits for it); the L-BFGS run for the default target has the same limit\n")
            : "- time limit: none (--max-seconds not given)\n");
        text.Append("- clocks count from 0, as in the parameter-server issue: the row of clock c holds a worker's c-th clock (its updates between its c-th and (c + 1)-th Clock() call; driver and rdd: iteration c, which makes update c + 1); the objective on clocks 0, E, 2E, … is the model once every worker finished that clock, i.e. with the updates of clocks 0 … c; \"clocks\" in the table is how many ran\n");
        text.Append(CultureInfo.InvariantCulture, $"- optimiser (every mode): mini-batch SGD, updater {settings.Updater}, step {N(settings.Step)}, batch fraction {N(settings.BatchFraction)}, λ {N(settings.RegParam)}, {settings.Clocks} clocks, objective every {settings.EvalEvery} clocks (its evaluation time excluded)\n");
        text.Append(settings.Stragglers.Count == 0
            ? "- stragglers: none\n"
            : $"- stragglers: {string.Join(", ", settings.Stragglers.Select(s => $"worker {s.Worker} ×{N(s.Factor)} on {N(s.Fraction * 100)}% of its clocks"))}; a slowed clock sleeps (factor − 1) × its measured compute time, so it takes no CPU from the other workers (PS: the worker's kernel phase; driver and rdd: the kernel calls of partition w's task in that iteration; slow-clocks.csv lists them)\n");
        File.WriteAllText(path, text.ToString());
    }

    private static string BlockKernelsName(Settings settings) => Dataflow.MLlib.Kernels.BlockKernels.Format(settings.Device);

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string N(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text;
using Dataflow.CommandLine;
using Dataflow.Configuration;
using Dataflow.Plotting;

namespace Dataflow.Examples.PsExperiment;

/// <summary>
/// <c>--sweep features=…|workers=…|staleness=…</c>: the experiment once per value, each into its own directory
/// (<c>features-1000/</c>, …), then <c>sweep.csv</c> and a plot of time to target against the value, per mode. For a
/// staleness sweep every <c>ps-ssp:S</c> mode runs with S set to the value.
/// </summary>
internal static class Sweep
{
    public sealed record Grid(string Name, IReadOnlyList<int> Values);

    public static Grid Parse(string text, Settings settings)
    {
        var parts = text.Split('=', 2);
        var name = parts[0].Trim().ToLowerInvariant();
        if (parts.Length != 2 || name is not ("features" or "workers" or "staleness"))
        {
            throw new UsageException($"--sweep must be features=V1,V2…, workers=V1,V2… or staleness=V1,V2…, got '{text}'.");
        }

        var values = new List<int>();
        foreach (var item in parts[1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v != Math.Floor(v) || v < (name == "staleness" ? 0 : 1) || v > int.MaxValue)
            {
                throw new UsageException($"--sweep {name}: '{item}' is not a whole number {(name == "staleness" ? "≥ 0" : "≥ 1")}.");
            }

            values.Add((int)v);
        }

        if (values.Count == 0)
        {
            throw new UsageException($"--sweep {name}: give at least one value.");
        }

        if (name == "staleness" && !settings.Modes.Any(m => m.Consistency?.StartsWith("ssp:", StringComparison.Ordinal) == true))
        {
            throw new UsageException("--sweep staleness needs a ps-ssp:S mode in --modes.");
        }

        if (name == "features" && settings.RowNonZeros is { } nnz && nnz > values.Min())
        {
            throw new UsageException($"--sweep features: --nnz {nnz} is more than the smallest swept feature count ({values.Min()}).");
        }

        if (name == "workers" && settings.Stragglers.Any(s => s.Worker >= values.Min()))
        {
            throw new UsageException($"--sweep workers: a --straggler worker index must be below every swept worker count ({values.Min()}).");
        }

        return new Grid(name, values);
    }

    public static async Task RunAsync(DataflowOptions options, Settings settings, Grid grid, string program, CancellationToken cancellationToken)
    {
        var rows = new List<(int Value, string Mode, double? Time, double Final, double Target, ModeResult Result)>();
        foreach (var value in grid.Values)
        {
            var point = grid.Name switch
            {
                "features" => settings with { Features = value },
                "workers" => settings with { Workers = value },
                _ => settings with { Modes = [.. settings.Modes.Select(m => m.Consistency?.StartsWith("ssp:", StringComparison.Ordinal) == true ? ModeSpec.Parse($"ps-ssp:{value}") : m).DistinctBy(m => m.Token)] },
            };
            point = point with { Out = Path.Combine(settings.Out, string.Create(CultureInfo.InvariantCulture, $"{grid.Name}-{value}")) };
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{program}: sweep {grid.Name} = {value}"));
            await using var ctx = new DataflowContext(options);
            var (results, target) = await Experiment.RunAsync(ctx, point, program, cancellationToken);
            rows.AddRange(results.Select(r => (value, Label(r.Mode, grid), r.TimeTo(target), r.FinalObjective, target, r)));
        }

        var csv = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"{grid.Name},mode,time_to_target_seconds,final_objective,target_objective,clocks,stopped_by_time,seconds_per_clock,bytes_per_clock\n");
        foreach (var r in rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{r.Value},{r.Mode},{(r.Time is { } t ? t.ToString("G6", CultureInfo.InvariantCulture) : "")},{r.Final.ToString("R", CultureInfo.InvariantCulture)},{r.Target.ToString("R", CultureInfo.InvariantCulture)},{r.Result.Clocks},{(r.Result.StoppedByTime ? "true" : "false")},{r.Result.SecondsPerClock.ToString("G6", CultureInfo.InvariantCulture)},{BytesPerClock(r.Result)}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(settings.Out, "sweep.csv"), csv.ToString(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(settings.Out, "sweep.md"), Markdown(settings, grid, rows.Select(r => (r.Value, r.Mode, r.Time, r.Target, r.Result))), cancellationToken);
        var log = grid.Name == "features";
        Charts.Lines(Path.Combine(settings.Out, "sweep-time-to-target.png"), $"Time to target vs {grid.Name} (points where the target was reached)",
            log ? "log10 features" : grid.Name, "seconds to target",
            [.. rows.GroupBy(r => r.Mode).Select(g => new LineSeries(g.Key,
                [.. g.Where(r => r.Time is not null).Select(r => log ? Math.Log10(r.Value) : r.Value)],
                [.. g.Where(r => r.Time is not null).Select(r => r.Time!.Value)]))]);
        Charts.Lines(Path.Combine(settings.Out, "sweep-time-per-clock.png"), $"Mean wall seconds per clock vs {grid.Name}",
            log ? "log10 features" : grid.Name, "seconds per clock",
            [.. rows.GroupBy(r => r.Mode).Select(g => new LineSeries(g.Key,
                [.. g.Where(r => r.Result.Error is null).Select(r => log ? Math.Log10(r.Value) : r.Value)],
                [.. g.Where(r => r.Result.Error is null).Select(r => r.Result.SecondsPerClock)]))]);
        Console.Error.WriteLine($"{program}: wrote sweep.csv, sweep.md, sweep-time-to-target.png and sweep-time-per-clock.png to {settings.Out}");
    }

    private static long BytesPerClock(ModeResult r) => r.Clocks == 0 ? 0 : r.Bytes / r.Clocks;

    private static string Markdown(Settings settings, Grid grid, IEnumerable<(int Value, string Mode, double? Time, double Target, ModeResult Result)> rows)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"# PsExperiment sweep over {grid.Name}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"| {grid.Name} | mode | time to target (s) | final objective | target | clocks | stopped by | s per clock | bytes per clock |\n");
        text.Append("|---|---|---|---|---|---|---|---|---|\n");
        foreach (var r in rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {r.Value} | {r.Mode} | {(r.Time is { } t ? t.ToString("G4", CultureInfo.InvariantCulture) : r.Result.Error is null ? "not reached" : "failed")} | {r.Result.FinalObjective:G6} | {r.Target:G6} | {r.Result.Clocks} | {(r.Result.Error is not null ? "an error" : r.Result.StoppedByTime ? "--max-seconds" : "--clocks")} | {r.Result.SecondsPerClock:G3} | {BytesPerClock(r.Result)} |\n");
        }

        text.Append('\n');
        foreach (var r in rows.Where(r => r.Result.Error is not null))
        {
            text.Append(CultureInfo.InvariantCulture, $"- {grid.Name} {r.Value}, {r.Mode} failed: {r.Result.Error}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"- each value's own summary.md, results.csv and plots are in {grid.Name}-<value>/; the target of each value is 1.01 × that value's driver-mode L-BFGS optimum unless --target-objective was given (see its summary.md)\n");
        text.Append(CultureInfo.InvariantCulture, $"- s per clock: the mode's wall time over its clocks (PS: the slowest worker's end); bytes per clock: bytes sent + received by the workers over the clocks\n");
        text.Append(CultureInfo.InvariantCulture, $"- machine: {Environment.MachineName}, {Environment.ProcessorCount} cores, load average at the end {Report.LoadAverage()}; workers {settings.Workers}; clocks {settings.Clocks}; time limit {(settings.MaxSeconds is { } m ? m.ToString(CultureInfo.InvariantCulture) + " s per mode" : "none")}\n");
        return text.ToString();
    }

    private static string Label(ModeSpec mode, Grid grid) =>
        grid.Name == "staleness" && mode.Consistency?.StartsWith("ssp:", StringComparison.Ordinal) == true ? "ps-ssp:S" : mode.Token;
}

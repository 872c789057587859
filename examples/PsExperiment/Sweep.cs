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

        if (name == "workers" && settings.Stragglers.Any(s => s.Worker >= values.Min()))
        {
            throw new UsageException($"--sweep workers: a --straggler worker index must be below every swept worker count ({values.Min()}).");
        }

        return new Grid(name, values);
    }

    public static async Task RunAsync(DataflowOptions options, Settings settings, Grid grid, string program, CancellationToken cancellationToken)
    {
        var rows = new List<(int Value, string Mode, double? Time, double Final, double Target)>();
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
            rows.AddRange(results.Select(r => (value, Label(r.Mode, grid), r.TimeTo(target), r.FinalObjective, target)));
        }

        var csv = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{grid.Name},mode,time_to_target_seconds,final_objective,target_objective\n");
        foreach (var r in rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{r.Value},{r.Mode},{(r.Time is { } t ? t.ToString("G6", CultureInfo.InvariantCulture) : "")},{r.Final.ToString("R", CultureInfo.InvariantCulture)},{r.Target.ToString("R", CultureInfo.InvariantCulture)}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(settings.Out, "sweep.csv"), csv.ToString(), cancellationToken);
        var log = grid.Name == "features";
        Charts.Lines(Path.Combine(settings.Out, "sweep-time-to-target.png"), $"Time to target vs {grid.Name} (points where the target was reached)",
            log ? "log10 features" : grid.Name, "seconds to target",
            [.. rows.GroupBy(r => r.Mode).Select(g => new LineSeries(g.Key,
                [.. g.Where(r => r.Time is not null).Select(r => log ? Math.Log10(r.Value) : r.Value)],
                [.. g.Where(r => r.Time is not null).Select(r => r.Time!.Value)]))]);
        Console.Error.WriteLine($"{program}: wrote sweep.csv and sweep-time-to-target.png to {settings.Out}");
    }

    private static string Label(ModeSpec mode, Grid grid) =>
        grid.Name == "staleness" && mode.Consistency?.StartsWith("ssp:", StringComparison.Ordinal) == true ? "ps-ssp:S" : mode.Token;
}

using System.Globalization;
using Dataflow.CommandLine;
using Dataflow.MLlib.Linalg;

namespace Dataflow.Examples.PsExperiment;

/// <summary>One experiment: load the data, find the target, run every mode, write the report into the output directory.</summary>
internal static class Experiment
{
    public static async Task<(IReadOnlyList<ModeResult> Results, double Target)> RunAsync(DataflowContext ctx, Settings settings, string program,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.Out);
        var (loaded, description) = await ExperimentData.LoadAsync(ctx, settings, cancellationToken);
        var points = loaded.Cache();
        var count = await points.CountAsync(cancellationToken);
        var labels = (await points.Select(p => p.Label).Distinct().ToListAsync(cancellationToken)).Order().ToArray();
        if (labels.Length != 2)
        {
            throw new UsageException($"--data: the experiment trains binary logistic regression, but the data has {labels.Length} labels.");
        }

        var d = (await points.FirstAsync(cancellationToken)).Features.Size;
        Console.Error.WriteLine($"{program}: {description}; {count} rows, {d} features, {settings.Workers} workers, {ctx.Master}, kernels {settings.DeviceDescription}");

        double targetValue;
        string targetSource;
        if (settings.TargetObjective is { } given)
        {
            (targetValue, targetSource) = (given, "given with --target-objective");
        }
        else
        {
            var (optimum, stopped, iterations) = await Runners.OptimumAsync(points, settings, cancellationToken);
            (targetValue, targetSource) = (1.01 * optimum, string.Create(CultureInfo.InvariantCulture, $"1.01 × the driver-mode L-BFGS optimum {optimum:G8}"));
            if (stopped)
            {
                targetSource += string.Create(CultureInfo.InvariantCulture,
                    $"; that L-BFGS run was stopped by --max-seconds {settings.MaxSeconds} after {iterations} iterations, so it is the best objective L-BFGS reached in that time, not the optimum");
            }

            Console.Error.WriteLine($"{program}: L-BFGS optimum {optimum.ToString("G8", CultureInfo.InvariantCulture)}; target {targetValue.ToString("G8", CultureInfo.InvariantCulture)}");
        }

        var runners = new Runners(settings, d, new ObjectiveEvaluator(points, count, labels[1], settings.RegParam), program);
        var results = new List<ModeResult>();
        foreach (var mode in settings.Modes)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{program}: {mode.Token}: training {settings.Clocks} clocks (0 … {settings.Clocks - 1}){(settings.MaxSeconds is { } limit ? $" or {limit} s" : "")}"));
            ModeResult result;
            try
            {
                result = await runners.RunAsync(mode, points, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException and not UsageException)
            {
                // One mode failing (the point of a model-size sweep: the driver's model outgrows its messages) is a result.
                var error = string.Join(": ", Causes(e)).ReplaceLineEndings(" ");
                Console.Error.WriteLine($"{program}: {mode.Token}: failed: {error}");
                results.Add(ModeResult.Failed(mode, error));
                continue;
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{program}: {mode.Token}: done: {result.Clocks} clocks in {result.TrainingSeconds:F2} s{(result.StoppedByTime ? " (stopped by --max-seconds)" : "")}, final objective {result.FinalObjective:G8}, time to target {(result.TimeTo(targetValue) is { } t ? t.ToString("F2", CultureInfo.InvariantCulture) + " s" : "not reached")}"));
            results.Add(result);
        }

        Report.WriteResults(Path.Combine(settings.Out, "results.csv"), results);
        Report.WriteSlowClocks(Path.Combine(settings.Out, "slow-clocks.csv"), results);
        Report.WritePlots(settings.Out, results);
        Report.WriteSummary(Path.Combine(settings.Out, "summary.md"), settings, results, targetValue, targetSource, description, $"{ctx.Master}");
        Console.Error.WriteLine($"{program}: wrote results.csv, slow-clocks.csv, objective-vs-time.png, objective-vs-clock.png, time-split.png and summary.md to {settings.Out}");
        await points.UnpersistAsync();
        return (results, targetValue);
    }

    private static IEnumerable<string> Causes(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x.Message.Split('\n')[0].Trim();
        }
    }
}

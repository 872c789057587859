using System.Diagnostics;
using System.Globalization;
using Dataflow.CommandLine;
using Dataflow.Configuration;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Evaluation;
using Dataflow.MLlib.Feature;
using Dataflow.MLlib.ParameterServer;
using Dataflow.Scheduling;
using Microsoft.Extensions.Logging;
using static Dataflow.Examples.MetricsJson;

namespace Dataflow.Examples.LogisticRegression;

/// <summary>--mode ps: binary logistic regression on a parameter server (PsLogisticRegression).</summary>
internal static class PsMode
{
    /// <summary>The options every mode shares, as given.</summary>
    public sealed record Common(string Train, string? Test, string? Format, string? LabelColumn, bool Standardize, double Reg, int Iterations, double? Step,
        double BatchFraction, long Seed, int? Workers, int Features, string? ModelOut, string? MetricsOut);

    public static async Task RunAsync(ArgumentParser parser, ParseResult parsed, DataflowOptions options, IReadOnlyList<IDataflowListener> listeners, PsOptions ps, Common common, CancellationToken cancellationToken)
    {
        var estimator = new PsLogisticRegression
        {
            Consistency = parsed.Get(ps.Consistency),
            Shards = parsed.Get(ps.Shards),
            Updater = parsed.Get(ps.Updater).ToLowerInvariant(),
            StepSize = common.Step ?? 0.5,
            MiniBatchFraction = common.BatchFraction,
            RegParam = common.Reg,
            Iterations = common.Iterations,
            Seed = common.Seed,
            SnapshotEvery = parsed.Get(ps.SnapshotEvery),
            SnapshotDirectory = parsed.Get(ps.SnapshotDirectory) is { } dir ? Path.GetFullPath(dir) : null,
            Logger = new StderrLogger(parser.ProgramName, LogLevel.Warning),
        };
        try
        {
            estimator.Validate();
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            var message = e.Message.Split('\n')[0];
            throw new UsageException(message.Contains("consistency", StringComparison.OrdinalIgnoreCase) ? "--consistency: " + message
                : message.Contains("updater", StringComparison.OrdinalIgnoreCase) ? "--updater: " + message : message, e);
        }

        var format = Inputs.Format(common.Format, common.Train);
        var label = common.LabelColumn is { } column ? LabelColumn.Parse(column) : LabelColumn.Last;
        await using var ctx = new DataflowContext(options, listeners: listeners);
        var points = await Inputs.LoadAsync(ctx, common.Train, format, label, format == "text" ? common.Features : null, common.Workers, cancellationToken);
        StandardScalerModel? scaler = null;
        if (common.Standardize)
        {
            scaler = await new StandardScaler().FitAsync(points, cancellationToken);
            points = scaler.Transform(points);
        }

        Console.Error.WriteLine($"{parser.ProgramName}: ps training on {common.Train} ({format}, {points.NumPartitions} workers, {estimator.Consistency}, {ctx.Master})");
        var clock = Stopwatch.StartNew();
        Dataflow.MLlib.Classification.LogisticRegressionModel model;
        PsTrainingSummary summary;
        try
        {
            (model, summary) = await estimator.FitAsync(points, cancellationToken);
        }
        catch (ArgumentException e) when (e.Message.Contains("binary", StringComparison.Ordinal))
        {
            throw new UsageException($"{common.Train}: {e.Message.Split('\n')[0]}", e);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var trainAccuracy = await MulticlassMetrics.AccuracyAsync(model.Transform(points), cancellationToken);
        double? testAccuracy = null;
        if (common.Test is { } testPath)
        {
            var testPoints = await Inputs.LoadAsync(ctx, testPath, Inputs.Format(common.Format, testPath), label, model.NumFeatures, null, cancellationToken);
            testAccuracy = await MulticlassMetrics.AccuracyAsync(model.Transform(scaler is null ? testPoints : scaler.Transform(testPoints)), cancellationToken);
        }

        if (common.ModelOut is { } directory)
        {
            try
            {
                await model.SaveAsync(directory, cancellationToken: cancellationToken);
            }
            catch (IOException e)
            {
                throw new UsageException(e.Message, e);
            }
        }

        var rows = new List<(string Name, string Value)>
        {
            ("objective", Number(summary.Objective)),
            ("train accuracy", Number(trainAccuracy)),
        };
        if (testAccuracy is { } test)
        {
            rows.Add(("test accuracy", Number(test)));
        }

        rows.Add(("iterations", summary.Clocks.ToString(CultureInfo.InvariantCulture)));
        rows.Add(("classes", "2"));
        rows.Add(("seconds", Number(seconds)));
        foreach (var (name, value) in rows)
        {
            Console.Out.Write($"{name,-16}{value}\n");
        }

        if (common.MetricsOut is { } metricsPath)
        {
            await MetricsJson.WriteAsync(metricsPath, json =>
            {
                PsMetricsJson.Write(json, summary, seconds);
                json.WriteNumber("trainAccuracy", Finite(trainAccuracy));
                if (testAccuracy is { } t)
                {
                    json.WriteNumber("testAccuracy", Finite(t));
                }

                json.WriteNumber("classes", 2);
            }, cancellationToken);
        }
    }
}

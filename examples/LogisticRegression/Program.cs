using System.Diagnostics;
using Dataflow;
using Dataflow.CommandLine;
using Dataflow.Examples;
using Dataflow.Examples.LogisticRegression;
using Dataflow.MLlib;
using Dataflow.MLlib.Classification;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Evaluation;
using Dataflow.MLlib.Feature;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Training;
using Microsoft.Extensions.Logging;

// LogisticRegression: trains a logistic regression (binary or softmax) in driver mode, or binary on a parameter server
// (--mode ps, PsMode.cs) or with the model kept in an RDD (--mode rdd, RddMode.cs), on a CSV, LIBSVM or text file; prints the objective and accuracies as a table on stdout, and
// optionally saves the model and a metrics JSON.
MLOptions.Register();
if (args.Contains("--benchmark-sweep"))
{
    return await SweepCommand.RunAsync(args);
}

var parser = new ArgumentParser("LogisticRegression", "Trains a logistic regression model on a CSV, LIBSVM or text file.");
var train = parser.Add<string>("train", "training data file (or directory or glob)", required: true, valueName: "FILE");
var test = parser.Add<string?>("test", "test data file; its accuracy is reported too", valueName: "FILE");
var format = parser.Add<string?>("format", "csv, libsvm or text (default from the extension: .csv is csv, .tsv text, else libsvm)", valueName: "FORMAT");
var labelColumn = parser.Add<string?>("label-column", "CSV label column, by name or 0-based index (default the last)", valueName: "NAME|INDEX");
var standardize = parser.AddFlag("standardize", "standardise the features with the training data's mean and standard deviation");
var reg = parser.Add("reg", 0.0, "L2 regularisation λ", valueName: "LAMBDA");
var optimizer = parser.Add("optimizer", "lbfgs", "lbfgs or sgd", valueName: "NAME");
var iterations = parser.Add("iterations", 100, "optimizer iterations at most", valueName: "N");
var tolerance = parser.Add("tolerance", 1e-6, "stop when the relative objective change is at most this", valueName: "T");
var step = parser.Add<double?>("step", "step size η (default 1 in driver mode, η/√t; 0.5 in ps mode)", valueName: "S");
var batchFraction = parser.Add("batch-fraction", 1.0, "SGD mini-batch fraction, in (0, 1]", valueName: "F");
var seed = parser.Add("seed", 42L, "SGD sampling seed", valueName: "S");
var partitions = parser.Add<int?>("partitions", "partitions of the training data (default: the loader's)", valueName: "P");
var features = parser.Add("features", 1 << 20, "text format: hashed feature count D", valueName: "D");
var ps = PsOptions.Add(parser);
var modelOut = parser.Add<string?>("model-out", "save the model into this directory", valueName: "DIR");
var metricsOut = parser.Add<string?>("metrics-out", "write the metrics as JSON into this file", valueName: "FILE");
var checkpointEvery = parser.Add("checkpoint-every", 10, "rdd mode: checkpoint the parameter RDD every N iterations (0: never)", valueName: "N");
var checkpointDir = parser.Add<string?>("checkpoint-dir", "rdd mode: reliable checkpoints in this directory (default: local checkpoints)", valueName: "DIR");
var standard = parser.AddStandardOptions();
_ = DeviceChoice.Add(standard);

return await ProgramHost.RunAsync(parser, standard, args, async (parsed, options, cancellationToken) =>
{
    var workers = PsOptions.DataPartitions(parsed, ps, partitions);
    if (PsOptions.IsPsMode(parsed, ps))
    {
        await PsMode.RunAsync(parser, parsed, options, ps, new PsMode.Common(parsed.Get(train), parsed.Get(test), parsed.Get(format),
            parsed.Get(labelColumn), parsed.Get(standardize), parsed.Get(reg), parsed.Get(iterations), parsed.Get(step), parsed.Get(batchFraction),
            parsed.Get(seed), workers, parsed.Get(features), parsed.Get(modelOut), parsed.Get(metricsOut)), cancellationToken);
        return;
    }

    var isRdd = PsOptions.ModeOf(parsed, ps) == "rdd";
    if (!isRdd && (parsed.IsSpecified(checkpointEvery) || parsed.IsSpecified(checkpointDir)))
    {
        throw new UsageException($"--{(parsed.IsSpecified(checkpointEvery) ? "checkpoint-every" : "checkpoint-dir")} applies to --mode rdd only.");
    }

    var optimizerName = parsed.Get(optimizer).ToLowerInvariant();
    var estimator = new LogisticRegression
    {
        RegParam = parsed.Get(reg),
        MaxIterations = parsed.Get(iterations),
        Tolerance = parsed.Get(tolerance),
        Optimizer = optimizerName switch
        {
            "lbfgs" => TrainingOptimizer.Lbfgs,
            "sgd" => TrainingOptimizer.Sgd,
            _ => throw new UsageException($"--optimizer must be lbfgs or sgd, got '{parsed.Get(optimizer)}'."),
        },
        StepSize = parsed.Get(step) ?? 1.0,
        MiniBatchFraction = parsed.Get(batchFraction),
        Seed = parsed.Get(seed),
        Logger = new StderrLogger(parser.ProgramName, LogLevel.Warning),
    };
    var trainPath = parsed.Get(train);
    var fileFormat = Inputs.Format(parsed.Get(format), trainPath);
    var label = parsed.Get(labelColumn) is { } column ? LabelColumn.Parse(column) : LabelColumn.Last;
    try
    {
        // The estimator checks its settings when it fits; check them now so a bad value is a usage error.
        estimator.Validate();
    }
    catch (ArgumentException e)
    {
        // ArgumentException appends the parameter and value on further lines; the usage error is one line.
        throw new UsageException(e.Message.Split('\n')[0], e);
    }

    await using var ctx = new DataflowContext(options);
    var points = await Inputs.LoadAsync(ctx, trainPath, fileFormat, label, fileFormat == "text" ? parsed.Get(features) : null, workers, cancellationToken);
    StandardScalerModel? scaler = null;
    if (parsed.Get(standardize))
    {
        scaler = await new StandardScaler().FitAsync(points, cancellationToken);
        points = scaler.Transform(points);
    }

    if (isRdd)
    {
        // AdaGrad 0.5 unless --step is given (the parameter-server mode's defaults).
        await RddMode.RunAsync(ctx, points, new RddMode.Settings(parsed.Get(reg), parsed.Get(iterations), parsed.Get(step) ?? 0.5, parsed.Get(batchFraction),
            parsed.Get(seed), parsed.Get(checkpointEvery), parsed.Get(checkpointDir), workers, parsed.Get(metricsOut)), parser.ProgramName,
            cancellationToken);
        return;
    }

    estimator.Device = DeviceChoice.Resolve(parser.ProgramName, options);
    Console.Error.WriteLine($"{parser.ProgramName}: training on {trainPath} ({fileFormat}, {points.NumPartitions} partitions, {ctx.Master})");
    var clock = Stopwatch.StartNew();
    var model = await estimator.FitAsync(points, cancellationToken);
    var seconds = clock.Elapsed.TotalSeconds;
    var summary = model.Summary!;
    Console.Error.WriteLine($"{parser.ProgramName}: {summary.Message}");

    var trainAccuracy = await MulticlassMetrics.AccuracyAsync(model.Transform(points), cancellationToken);
    double? testAccuracy = null;
    if (parsed.Get(test) is { } testPath)
    {
        var testPoints = await Inputs.LoadAsync(ctx, testPath, Inputs.Format(parsed.Get(format), testPath), label, model.NumFeatures, null, cancellationToken);
        if (scaler is not null)
        {
            testPoints = scaler.Transform(testPoints);
        }

        testAccuracy = await MulticlassMetrics.AccuracyAsync(model.Transform(testPoints), cancellationToken);
    }

    if (parsed.Get(modelOut) is { } directory)
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

    var report = new Report(summary.Objective, trainAccuracy, testAccuracy, summary.TotalIterations, seconds, model.NumClasses, summary);
    report.PrintTable(Console.Out);
    if (parsed.Get(metricsOut) is { } metricsPath)
    {
        await report.WriteJsonAsync(metricsPath, cancellationToken);
    }
});

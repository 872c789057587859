using System.Diagnostics;
using System.Globalization;
using Dataflow;
using Dataflow.CommandLine;
using Dataflow.Examples;
using Dataflow.Examples.Clustering;
using Dataflow.Examples.LogisticRegression;
using Dataflow.MLlib;
using Dataflow.MLlib.Clustering;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Feature;
using Microsoft.Extensions.Logging;

// KMeans: clusters the rows of a CSV or LIBSVM file with k-means in driver mode (k-means|| initialisation, Lloyd
// iterations, best of --runs), prints the cost and the centres as a table on stdout, and optionally writes a metrics
// JSON. Costs and centres are in the space the clustering ran in (standardised with --standardize).
MLOptions.Register();
var parser = new ArgumentParser("KMeans", "Clusters the rows of a CSV or LIBSVM file with k-means.");
var input = parser.Add<string>("input", "data file (or directory or glob)", required: true, valueName: "FILE");
var format = parser.Add<string?>("format", "csv or libsvm (default from the extension: .csv is csv, else libsvm)", valueName: "FORMAT");
var labelColumn = parser.Add<string?>("label-column", "CSV column to drop as the label, by name or 0-based index (default: none, every column is a feature)",
    valueName: "NAME|INDEX");
var standardize = parser.AddFlag("standardize", "standardise the features (mean 0, standard deviation 1) before clustering");
var k = parser.Add<int?>("k", "number of clusters", required: true, valueName: "K");
var iterations = parser.Add("iterations", 20, "Lloyd iterations at most", valueName: "N");
var runs = parser.Add("runs", 1, "initialisations to run together; the cheapest is kept", valueName: "R");
var tolerance = parser.Add("tolerance", 1e-4, "stop when no centre moves farther than this", valueName: "T");
var seed = parser.Add("seed", 1L, "seed of the initialisation", valueName: "S");
var metricsOut = parser.Add<string?>("metrics-out", "write the metrics as JSON into this file", valueName: "FILE");
var standard = parser.AddStandardOptions();
_ = DeviceChoice.Add(standard);

return await ProgramHost.RunAsync(parser, standard, args, async (parsed, options, cancellationToken) =>
{
    var estimator = new KMeans
    {
        K = parsed.Get(k) ?? 0,
        MaxIterations = parsed.Get(iterations),
        Runs = parsed.Get(runs),
        Tolerance = parsed.Get(tolerance),
        Seed = parsed.Get(seed),
        Logger = new StderrLogger(parser.ProgramName, LogLevel.Information),
    };
    Check(estimator.K >= 1, $"--k must be 1 or more, got {estimator.K}.");
    Check(estimator.MaxIterations >= 1, $"--iterations must be 1 or more, got {estimator.MaxIterations}.");
    Check(estimator.Runs >= 1, $"--runs must be 1 or more, got {estimator.Runs}.");
    Check(estimator.Tolerance >= 0 && double.IsFinite(estimator.Tolerance), $"--tolerance must be a finite number ≥ 0, got {estimator.Tolerance}.");
    var path = parsed.Get(input);
    var fileFormat = (parsed.Get(format)?.ToLowerInvariant() ?? (Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase) ? "csv" : "libsvm")) switch
    {
        "csv" => "csv",
        "libsvm" => "libsvm",
        _ => throw new UsageException($"--format must be csv or libsvm, got '{parsed.Get(format)}'."),
    };
    Check(fileFormat == "csv" || parsed.Get(labelColumn) is null, $"--label-column applies to CSV input only (a LIBSVM line's label is always dropped).");

    await using var ctx = new DataflowContext(options);
    var points = fileFormat == "csv"
        ? await ctx.LoadCsvAsync(path, parsed.Get(labelColumn) is { } column ? LabelColumn.Parse(column) : LabelColumn.None, cancellationToken: cancellationToken)
        : await ctx.LoadLibSvmAsync(path, cancellationToken: cancellationToken);
    if (parsed.Get(standardize))
    {
        points = (await new StandardScaler().FitAsync(points, cancellationToken)).Transform(points);
    }

    estimator.Device = DeviceChoice.Resolve(parser.ProgramName, options);
    Console.Error.WriteLine($"{parser.ProgramName}: clustering {path} ({fileFormat}, {points.NumPartitions} partitions, {ctx.Master}) into {estimator.K} clusters");
    var clock = Stopwatch.StartNew();
    KMeansModel model;
    try
    {
        model = await estimator.FitAsync(points, cancellationToken);
    }
    catch (InvalidOperationException e)
    {
        // Fewer rows than clusters, or rows without features: the input's problem, not a failed job.
        throw new UsageException($"{path}: {e.Message}", e);
    }

    var report = new Report(model, clock.Elapsed.TotalSeconds);
    report.PrintTable(Console.Out);
    if (parsed.Get(metricsOut) is { } metricsPath)
    {
        await report.WriteJsonAsync(metricsPath, cancellationToken);
    }
});

static void Check(bool condition, FormattableString message)
{
    if (!condition)
    {
        throw new UsageException(message.ToString(CultureInfo.InvariantCulture));
    }
}

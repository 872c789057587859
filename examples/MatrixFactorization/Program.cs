using System.Diagnostics;
using System.Globalization;
using Dataflow;
using Dataflow.CommandLine;
using Dataflow.Examples;
using Dataflow.Examples.LogisticRegression;
using Dataflow.MLlib;
using Dataflow.MLlib.ParameterServer;
using Dataflow.MLlib.Recommendation;
using Dataflow.Ui;
using Microsoft.Extensions.Logging;
using static Dataflow.Examples.MetricsJson;

// MatrixFactorization: factorises (user, item, rating) triples, generated (seeded low-rank ratings with power-law item
// popularity) or read from a file of user,item,rating lines, by mini-batch SGD in driver mode (the factor matrices
// broadcast through the driver, gradients tree-aggregated) or on a parameter server (--mode ps); prints the objective
// and RMSE as a table on stdout and optionally writes a metrics JSON.
MLOptions.Register();
var parser = new ArgumentParser("MatrixFactorization", "Factorises a ratings matrix by SGD, in driver mode or on a parameter server.");
var input = parser.Add<string?>("input", "ratings file (or directory or glob) of user,item,rating lines (default: generated ratings)", valueName: "FILE");
var users = parser.Add<int?>("users", "users (generated: default 1000; --input: default the largest id + 1)", valueName: "U");
var items = parser.Add<int?>("items", "items (generated: default 1000; --input: default the largest id + 1)", valueName: "I");
var rank = parser.Add("rank", 10, "values per factor row (and the generated data's true rank)", valueName: "K");
var ratingCount = parser.Add("ratings", 100_000, "generated ratings", valueName: "N");
var noise = parser.Add("noise", 0.1, "generated ratings: standard deviation of the noise", valueName: "SIGMA");
var popularity = parser.Add("popularity", 1.0, "generated ratings: exponent α of item popularity ∝ (i + 1)^−α", valueName: "ALPHA");
var mode = parser.Add("mode", "driver", "driver (the driver holds the factors, broadcast every iteration) or ps (parameter server)", valueName: "MODE");
var consistency = parser.Add("consistency", "bsp", "ps mode: bsp, ssp:S (bounded staleness S) or asp", valueName: "MODEL");
var workers = parser.Add("workers", 4, "data partitions in every mode: PS workers, driver-mode tasks", valueName: "N");
var shards = parser.Add<int?>("shards", "ps mode: parameter shards (default one per worker)", valueName: "S");
var updater = parser.Add("updater", "adagrad", "updater, adagrad or sgd (η/√t); on the servers in ps mode", valueName: "NAME");
var step = parser.Add("step", 0.5, "step size η", valueName: "S");
var batchFraction = parser.Add("batch-fraction", 1.0, "SGD mini-batch fraction, in (0, 1]", valueName: "F");
var reg = parser.Add("reg", 1e-4, "λ of the penalty (λ/2)(‖U‖² + ‖V‖²)", valueName: "LAMBDA");
var iterations = parser.Add("iterations", 100, "iterations (ps mode: clocks)", valueName: "N");
var snapshotEvery = parser.Add("snapshot-every", 0, "ps mode: snapshot the servers every K clocks (0: never; needs --snapshot-dir)", valueName: "K");
var snapshotDir = parser.Add<string?>("snapshot-dir", "ps mode: directory for snapshots", valueName: "DIR");
var seed = parser.Add("seed", 42L, "seed of the generated ratings, the starting factors and the mini-batches", valueName: "S");
var metricsOut = parser.Add<string?>("metrics-out", "write the metrics as JSON into this file", valueName: "FILE");
var ui = parser.AddDriverUiOptions();
var standard = parser.AddStandardOptions();

return await ProgramHost.RunAsync(parser, standard, args, async (parsed, options, cancellationToken) =>
{
    var program = parser.ProgramName;
    var modeName = parsed.Get(mode).ToLowerInvariant() switch
    {
        "driver" => "driver",
        "ps" => "ps",
        "rdd" => throw new UsageException("--mode rdd: rdd mode (the model kept in an RDD) is logistic regression only; use driver or ps."),
        _ => throw new UsageException($"--mode must be driver or ps, got '{parsed.Get(mode)}'."),
    };
    var isPs = modeName == "ps";
    Check(parsed, isPs);

    await using var web = await ui.StartAsync(parsed, options, cancellationToken);
    await using var ctx = new DataflowContext(options, listeners: web.Listeners);
    var n = parsed.Get(workers);
    Rdd<Rating> ratings;
    string description;
    if (parsed.Get(input) is { } path)
    {
        var loaded = ctx.LoadRatings(Path.GetFullPath(path), parsed.Get(users), parsed.Get(items), n);
        ratings = (loaded.NumPartitions == n ? loaded : loaded.Repartition(n)).Cache();
        description = path;
    }
    else
    {
        var generator = new RatingGenerator
        {
            Users = parsed.Get(users) ?? 1000,
            Items = parsed.Get(items) ?? 1000,
            Rank = parsed.Get(rank),
            Ratings = parsed.Get(ratingCount),
            Noise = parsed.Get(noise),
            PopularityExponent = parsed.Get(popularity),
            Seed = parsed.Get(seed),
        };
        ratings = ctx.Parallelize(generator.Generate(), n);
        description = string.Create(CultureInfo.InvariantCulture,
            $"generated: {generator.Users} users, {generator.Items} items, rank {generator.Rank}, {generator.Ratings} ratings, noise {generator.Noise}");
    }

    var logger = new StderrLogger(program, LogLevel.Warning);
    Console.Error.WriteLine($"{program}: {modeName} training on {description} ({n} workers{(isPs ? ", " + parsed.Get(consistency) : "")}, {ctx.Master})");
    var clock = Stopwatch.StartNew();
    if (isPs)
    {
        var estimator = new PsMatrixFactorization
        {
            Consistency = parsed.Get(consistency),
            Shards = parsed.Get(shards),
            Rank = parsed.Get(rank),
            Updater = parsed.Get(updater).ToLowerInvariant(),
            StepSize = parsed.Get(step),
            MiniBatchFraction = parsed.Get(batchFraction),
            RegParam = parsed.Get(reg),
            Iterations = parsed.Get(iterations),
            Seed = parsed.Get(seed),
            Users = parsed.Get(users),
            Items = parsed.Get(items),
            SnapshotEvery = parsed.Get(snapshotEvery),
            SnapshotDirectory = parsed.Get(snapshotDir) is { } dir ? Path.GetFullPath(dir) : null,
            Logger = logger,
        };
        Validate(estimator.Validate);
        var (model, summary) = await FitAsync(() => estimator.FitAsync(ratings, cancellationToken));
        var seconds = clock.Elapsed.TotalSeconds;
        var rmse = await model.RootMeanSquaredErrorAsync(ratings, cancellationToken);
        Print(summary.Objective, rmse, summary.Clocks, seconds);
        if (parsed.Get(metricsOut) is { } metricsPath)
        {
            await MetricsJson.WriteAsync(metricsPath, json =>
            {
                PsMetricsJson.Write(json, summary, seconds);
                Shape(json, model);
                json.WriteNumber("rmse", Finite(rmse));
            }, cancellationToken);
        }
    }
    else
    {
        var estimator = new MatrixFactorization
        {
            Rank = parsed.Get(rank),
            Updater = parsed.Get(updater).ToLowerInvariant(),
            StepSize = parsed.Get(step),
            MiniBatchFraction = parsed.Get(batchFraction),
            RegParam = parsed.Get(reg),
            Iterations = parsed.Get(iterations),
            Seed = parsed.Get(seed),
            Users = parsed.Get(users),
            Items = parsed.Get(items),
            Logger = logger,
        };
        Validate(estimator.Validate);
        var (model, summary) = await FitAsync(() => estimator.FitAsync(ratings, cancellationToken));
        var seconds = clock.Elapsed.TotalSeconds;
        var rmse = await model.RootMeanSquaredErrorAsync(ratings, cancellationToken);
        Print(summary.Objective, rmse, summary.Iterations.Count, seconds);
        if (parsed.Get(metricsOut) is { } metricsPath)
        {
            await MetricsJson.WriteAsync(metricsPath, json =>
            {
                json.WriteString("mode", "driver");
                Shape(json, model);
                json.WriteNumber("objective", Finite(summary.Objective));
                json.WriteNumber("rmse", Finite(rmse));
                json.WriteNumber("iterations", summary.Iterations.Count);
                json.WriteNumber("clocks", summary.Iterations.Count);
                json.WriteNumber("seconds", Finite(seconds));
                json.WriteNumber("workers", n);
                // Driver mode's traffic, counted as the parameter server's is: partial gradients sent by the tasks, the
                // factor broadcast received by every one of them.
                json.WriteNumber("bytesSent", summary.Iterations.Sum(i => i.PartialResultBytes));
                json.WriteNumber("bytesReceived", summary.Iterations.Sum(i => i.BroadcastBytes) * n);
                json.WriteStartObject("timings");
                json.WriteNumber("computeSeconds", Finite(summary.ComputeSeconds));
                json.WriteNumber("broadcastSeconds", Finite(summary.BroadcastSeconds));
                json.WriteNumber("aggregateSeconds", Finite(summary.AggregateSeconds));
                json.WriteNumber("schedulingSeconds", Finite(summary.SchedulingSeconds));
                json.WriteNumber("driverSeconds", Finite(summary.DriverSeconds));
                json.WriteEndObject();
            }, cancellationToken);
        }
    }
});

void Check(ParseResult parsed, bool isPs)
{
    if (parsed.Get(input) is not null)
    {
        foreach (var (name, given) in new[] { ("ratings", parsed.IsSpecified(ratingCount)), ("noise", parsed.IsSpecified(noise)), ("popularity", parsed.IsSpecified(popularity)) })
        {
            if (given)
            {
                throw new UsageException($"--{name} applies to generated ratings only; --input reads the ratings from the file.");
            }
        }
    }

    if (!isPs)
    {
        foreach (var (name, given) in new[] { ("consistency", parsed.IsSpecified(consistency)), ("shards", parsed.IsSpecified(shards)),
            ("snapshot-every", parsed.IsSpecified(snapshotEvery)), ("snapshot-dir", parsed.IsSpecified(snapshotDir)) })
        {
            if (given)
            {
                throw new UsageException($"--{name} applies to --mode ps only.");
            }
        }
    }

    if (parsed.Get(workers) < 1 || parsed.Get(rank) < 1 || parsed.Get(ratingCount) < 1 || parsed.Get(iterations) < 0
        || parsed.Get(users) is < 1 || parsed.Get(items) is < 1)
    {
        throw new UsageException("--workers, --rank, --ratings, --users and --items must be 1 or more, and --iterations 0 or more.");
    }

    if (parsed.Get(updater).ToLowerInvariant() is not ("adagrad" or "sgd"))
    {
        throw new UsageException($"--updater must be adagrad or sgd, got '{parsed.Get(updater)}'.");
    }

    if (!(parsed.Get(step) > 0) || !double.IsFinite(parsed.Get(step)) || !(parsed.Get(batchFraction) > 0 && parsed.Get(batchFraction) <= 1)
        || !(parsed.Get(reg) >= 0) || !double.IsFinite(parsed.Get(reg)) || !(parsed.Get(noise) >= 0) || !(parsed.Get(popularity) >= 0))
    {
        throw new UsageException("--step must be > 0, --batch-fraction in (0, 1], and --reg, --noise and --popularity ≥ 0.");
    }

    if (parsed.Get(snapshotEvery) < 0 || (parsed.Get(snapshotEvery) > 0 && parsed.Get(snapshotDir) is null))
    {
        throw new UsageException($"--snapshot-every must be 0 or more and needs --snapshot-dir, got {parsed.Get(snapshotEvery)}.");
    }
}

// The estimators check their settings when they fit; checking now makes a bad value a one-line usage error.
static void Validate(Action validate)
{
    try
    {
        validate();
    }
    catch (Exception e) when (e is ArgumentException or FormatException)
    {
        var message = e.Message.Split('\n')[0];
        throw new UsageException(message.Contains("consistency", StringComparison.OrdinalIgnoreCase) || e is FormatException ? "--consistency: " + message : message, e);
    }
}

// No ratings, or ids beyond the given counts, are bad input rather than a failed job.
static async Task<T> FitAsync<T>(Func<Task<T>> fit)
{
    try
    {
        return await fit();
    }
    catch (ArgumentException e) when (e.ParamName == "ratings")
    {
        throw new UsageException(e.Message.Split('\n')[0], e);
    }
}

static void Print(double objective, double rmse, int iterations, double seconds)
{
    foreach (var (name, value) in new[] { ("objective", Number(objective)), ("rmse", Number(rmse)),
        ("iterations", iterations.ToString(CultureInfo.InvariantCulture)), ("seconds", Number(seconds)) })
    {
        Console.Out.Write($"{name,-16}{value}\n");
    }
}

static void Shape(System.Text.Json.Utf8JsonWriter json, MatrixFactorizationModel model)
{
    json.WriteNumber("users", model.Users);
    json.WriteNumber("items", model.Items);
    json.WriteNumber("rank", model.Rank);
}

using System.Globalization;
using Dataflow;
using Dataflow.CommandLine;
using Dataflow.Examples;
using Dataflow.Examples.PsExperiment;
using Dataflow.MLlib;
using Dataflow.MLlib.Linalg;
using Dataflow.Ui;

// PsExperiment: the same logistic regression on the same data under each training mode (driver, rdd, ps-bsp, ps-ssp:S,
// ps-asp), with the same optimiser, optional injected stragglers; writes results.csv, plots and summary.md into --out.
MLOptions.Register();
var parser = new ArgumentParser("PsExperiment", "Compares training modes (driver, rdd, parameter server under BSP, SSP, ASP) on one model and data set.");
var algorithm = parser.Add("algorithm", "lr", "lr (logistic regression) or mf (matrix factorisation, MfExperiment.cs)", valueName: "ALG");
var users = parser.Add("users", 1000, "mf: generated users (--quick: 300)", valueName: "U");
var items = parser.Add("items", 1000, "mf: generated items (--quick: 200)", valueName: "I");
var rank = parser.Add("rank", 10, "mf: the factors' rank, and the generated ratings' (--quick: 5)", valueName: "K");
var ratings = parser.Add("ratings", 100_000, "mf: generated ratings (--quick: 20000)", valueName: "N");
var modes = parser.AddList<string>("modes", "training modes, comma-separated: driver, rdd, ps-bsp, ps-ssp:S, ps-asp (default driver,ps-bsp,ps-ssp:3,ps-asp)", valueName: "MODES");
var workers = parser.Add("workers", 4, "workers (data partitions) in every mode", valueName: "N");
var data = parser.Add("data", "synthetic", "synthetic, text (tests/data/austen-vs-jargon.tsv) or a csv/libsvm/tsv file", valueName: "DATA");
var rows = parser.Add("rows", 4000, "synthetic rows", valueName: "R");
var features = parser.Add<int?>("features", "features: synthetic d (default 1000), or the text data's hashed D (default 65536)", valueName: "D");
var sparsity = parser.Add("sparsity", 0.1, "synthetic: share of non-zero features per row, in (0, 1]", valueName: "P");
var nnz = parser.Add<int?>("nnz", "synthetic: non-zero features per row, overriding --sparsity (keeps the data the same size in a features sweep)", valueName: "K");
var maxSeconds = parser.Add<double?>("max-seconds", "per mode: stop that mode's training after T seconds of wall time and record what it reached (default: no limit); also bounds the L-BFGS run that finds the default target", valueName: "T");
var clocks = parser.Add("clocks", 100, "clocks (iterations) per mode", valueName: "N");
var evalEvery = parser.Add("eval-every", 10, "evaluate the full objective every E clocks", valueName: "E");
var seed = parser.Add("seed", 42L, "seed of the data, the mini-batches and the straggler clocks", valueName: "S");
var stragglers = parser.AddList<string>("straggler", "worker:factor[:fraction] (repeatable): slow worker w by factor f on a seeded fraction (default 0.5) of its clocks", valueName: "W:F[:P]");
var target = parser.Add<double?>("target-objective", "objective to time (default 1.01 × the driver-mode L-BFGS optimum)", valueName: "V");
var updater = parser.Add("updater", "adagrad", "adagrad (constant step) or sgd (step/√t), every mode", valueName: "NAME");
var step = parser.Add("step", 0.5, "step size η, every mode", valueName: "S");
var batchFraction = parser.Add("batch-fraction", 1.0, "mini-batch fraction in (0, 1], every mode", valueName: "F");
var reg = parser.Add("reg", 1e-4, "L2 λ on the weights, every mode", valueName: "LAMBDA");
var quick = parser.AddFlag("quick", "a first try in well under a minute: synthetic 1000 × 100, 30 clocks, objective every 5 (explicit options still win)");
var sweep = parser.Add<string?>("sweep", "run a grid: features=1e3,1e5 or workers=2,4 or staleness=1,3,10 (one output directory per value, plus sweep.csv and sweep-time-to-target.png)", valueName: "NAME=V1,V2");
var output = parser.Add<string>("out", "output directory (created; existing files are replaced)", required: true, valueName: "DIR");
var ui = parser.AddDriverUiOptions();
var standard = parser.AddStandardOptions();
_ = DeviceChoice.Add(standard);

return await ProgramHost.RunAsync(parser, standard, args, async (parsed, options, cancellationToken) =>
{
    var algorithmName = parsed.Get(algorithm).ToLowerInvariant();
    if (algorithmName is not ("lr" or "mf"))
    {
        throw new UsageException($"--algorithm must be lr or mf, got '{parsed.Get(algorithm)}'.");
    }

    var isQuick = parsed.Get(quick);
    T Pick<T>(Option<T> option, T quickValue) => isQuick && !parsed.IsSpecified(option) ? quickValue : parsed.Get(option);
    var n = parsed.Get(workers);
    if (n < 1)
    {
        throw new UsageException($"--workers must be 1 or more, got {n}.");
    }

    var modeList = ModeSpec.ParseAll(parsed.IsSpecified(modes) ? parsed.Get(modes) : ["driver", "ps-bsp", "ps-ssp:3", "ps-asp"]);
    var dataName = parsed.Get(data);
    var isText = dataName.Equals("text", StringComparison.OrdinalIgnoreCase);
    var settings = new Settings(
        modeList,
        n,
        dataName,
        Pick(rows, 1000),
        parsed.Get(features) ?? (isText ? 1 << 16 : isQuick ? 100 : 1000),
        parsed.Get(sparsity),
        Pick(clocks, 30),
        Pick(evalEvery, 5),
        parsed.Get(seed),
        [.. parsed.Get(stragglers).Select(s => StragglerSpec.Parse(s, n))],
        parsed.Get(target),
        parsed.Get(updater).ToLowerInvariant(),
        parsed.Get(step),
        parsed.Get(batchFraction),
        parsed.Get(reg),
        Path.GetFullPath(parsed.Get(output)),
        parsed.Get(maxSeconds),
        parsed.Get(nnz));
    Check(settings);
    var device = DeviceChoice.Resolve(parser.ProgramName, options);
    settings = settings with
    {
        Device = device,
        DeviceDescription = Dataflow.MLlib.Kernels.BlockKernels.Describe(device),
        DeviceMemory = options.Section<MLOptions>().DeviceMemory.Bytes,
    };

    var mf = algorithmName == "mf" ? new MfSettings(Pick(users, 300), Pick(items, 200), Pick(rank, 5), Pick(ratings, 20_000)) : null;
    if (mf is not null && (mf.Users < 1 || mf.Items < 1 || mf.Rank < 1 || mf.Ratings < 1))
    {
        throw new UsageException("--users, --items, --rank and --ratings must be 1 or more.");
    }

    if (mf is not null)
    {
        MfExperiment.CheckModes(settings);
    }

    if (parsed.Get(sweep) is { } sweepText)
    {
        if (mf is not null)
        {
            throw new UsageException("--sweep runs logistic regression only; run --algorithm mf once per setting.");
        }

        await Sweep.RunAsync(options, settings, Sweep.Parse(sweepText, settings), parser.ProgramName, cancellationToken);
        return;
    }

    // The driver UI watches a single experiment; a sweep runs one context per value and serves none.
    await using var web = await ui.StartAsync(parsed, options, cancellationToken);
    await using var ctx = new DataflowContext(options, listeners: web.Listeners);
    _ = mf is null ? (await Experiment.RunAsync(ctx, settings, parser.ProgramName, cancellationToken)).Results
        : (await MfExperiment.RunAsync(ctx, settings, mf, parser.ProgramName, cancellationToken)).Results;
});

static void Check(Settings s)
{
    if (s.Clocks < 1)
    {
        throw new UsageException($"--clocks must be 1 or more, got {s.Clocks}.");
    }

    if (s.EvalEvery < 1)
    {
        throw new UsageException($"--eval-every must be 1 or more, got {s.EvalEvery}.");
    }

    if (s.Rows < 2 || s.Features < 1 || !(s.Sparsity > 0 && s.Sparsity <= 1))
    {
        throw new UsageException($"--rows must be 2 or more, --features 1 or more and --sparsity in (0, 1]; got {s.Rows}, {s.Features}, {s.Sparsity.ToString(CultureInfo.InvariantCulture)}.");
    }

    if (s.MaxSeconds is { } limit && !(limit > 0 && double.IsFinite(limit)))
    {
        throw new UsageException($"--max-seconds must be a number of seconds > 0, got {limit.ToString(CultureInfo.InvariantCulture)}.");
    }

    if (s.RowNonZeros is { } k && (k < 1 || k > s.Features))
    {
        throw new UsageException($"--nnz must be between 1 and --features ({s.Features}), got {k}.");
    }

    if (s.Updater is not ("adagrad" or "sgd"))
    {
        throw new UsageException($"--updater must be adagrad or sgd, got '{s.Updater}'.");
    }

    if (!(s.Step > 0) || !double.IsFinite(s.Step) || !(s.BatchFraction > 0 && s.BatchFraction <= 1) || !(s.RegParam >= 0) || !double.IsFinite(s.RegParam))
    {
        throw new UsageException("--step must be > 0, --batch-fraction in (0, 1] and --reg ≥ 0.");
    }
}

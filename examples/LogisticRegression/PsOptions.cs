using Dataflow.CommandLine;

namespace Dataflow.Examples.LogisticRegression;

/// <summary>The options of the parameter-server mode (and --workers, which every mode reads).</summary>
internal sealed record PsOptions(Option<string> Mode, Option<string> Consistency, Option<int?> Workers, Option<int?> Shards, Option<string> Updater,
    Option<int> SnapshotEvery, Option<string?> SnapshotDirectory)
{
    public static PsOptions Add(ArgumentParser parser) => new(
        parser.Add("mode", "driver", "driver (the driver holds the model), ps (parameter server) or rdd (the model kept in an RDD, a shuffle per iteration)", valueName: "MODE"),
        parser.Add("consistency", "bsp", "ps mode: bsp, ssp:S (bounded staleness S) or asp", valueName: "MODEL"),
        parser.Add<int?>("workers", "data partitions in every mode: PS workers, driver-mode tasks (default: the loader's partitions)", valueName: "N"),
        parser.Add<int?>("shards", "ps mode: parameter shards (default one per worker)", valueName: "S"),
        parser.Add("updater", "adagrad", "ps mode: server-side updater, adagrad or sgd (η/√t)", valueName: "NAME"),
        parser.Add("snapshot-every", 0, "ps mode: snapshot the servers every K clocks (0: never; needs --snapshot-dir)", valueName: "K"),
        parser.Add<string?>("snapshot-dir", "ps mode: directory for snapshots", valueName: "DIR"));

    /// <summary>The --mode given: driver, ps or rdd.</summary>
    public static string ModeOf(ParseResult parsed, PsOptions ps) => parsed.Get(ps.Mode).ToLowerInvariant() switch
    {
        "driver" => "driver",
        "ps" => "ps",
        "rdd" => "rdd",
        _ => throw new UsageException($"--mode must be driver, ps or rdd, got '{parsed.Get(ps.Mode)}'."),
    };

    /// <summary>Whether --mode is ps; the ps-only options are checked here in every mode.</summary>
    public static bool IsPsMode(ParseResult parsed, PsOptions ps)
    {
        var isPs = ModeOf(parsed, ps) == "ps";
        try
        {
            _ = Dataflow.MLlib.ParameterServer.Consistency.Parse(parsed.Get(ps.Consistency));
        }
        catch (FormatException e)
        {
            throw new UsageException("--consistency: " + e.Message, e);
        }

        if (parsed.Get(ps.Updater).ToLowerInvariant() is not ("adagrad" or "sgd"))
        {
            throw new UsageException($"--updater must be adagrad or sgd, got '{parsed.Get(ps.Updater)}'.");
        }

        if (parsed.Get(ps.SnapshotEvery) < 0 || (parsed.Get(ps.SnapshotEvery) > 0 && parsed.Get(ps.SnapshotDirectory) is null))
        {
            throw new UsageException($"--snapshot-every must be 0 or more and needs --snapshot-dir, got {parsed.Get(ps.SnapshotEvery)}{(parsed.Get(ps.SnapshotDirectory) is null ? " without --snapshot-dir" : "")}.");
        }

        if (parsed.Get(ps.Shards) is < 1)
        {
            throw new UsageException($"--shards must be 1 or more, got {parsed.Get(ps.Shards)}.");
        }

        if (!isPs)
        {
            foreach (var (name, given) in new[] { ("consistency", parsed.IsSpecified(ps.Consistency)), ("shards", parsed.IsSpecified(ps.Shards)),
                ("updater", parsed.IsSpecified(ps.Updater)), ("snapshot-every", parsed.IsSpecified(ps.SnapshotEvery)), ("snapshot-dir", parsed.IsSpecified(ps.SnapshotDirectory)) })
            {
                if (given)
                {
                    throw new UsageException($"--{name} applies to --mode ps only.");
                }
            }
        }

        return isPs;
    }

    /// <summary>The data partitions: --workers, or --partitions (they must agree when both are given).</summary>
    public static int? DataPartitions(ParseResult parsed, PsOptions ps, Option<int?> partitions)
    {
        var workers = parsed.Get(ps.Workers);
        var given = parsed.Get(partitions);
        if (workers is < 1 || given is < 1)
        {
            throw new UsageException($"--{(workers is < 1 ? "workers" : "partitions")} must be 1 or more, got {(workers is < 1 ? workers : given)}.");
        }

        if (workers is { } w && given is { } p && w != p)
        {
            throw new UsageException($"--workers {w} and --partitions {p} conflict: --workers is the number of data partitions; give one of them.");
        }

        return workers ?? given;
    }
}

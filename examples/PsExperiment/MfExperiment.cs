using System.Globalization;
using Dataflow.CommandLine;
using Dataflow.MLlib.ParameterServer;
using Dataflow.MLlib.Recommendation;

namespace Dataflow.Examples.PsExperiment;

/// <summary>
/// <c>--algorithm mf</c>: matrix factorisation under each mode — <c>driver</c> (both factor matrices broadcast through
/// the driver and the gradients tree-aggregated every iteration, <see cref="MatrixFactorization"/>) and the PS modes
/// (<see cref="PsMatrixFactorization"/>) — from one seeded start with the shared optimiser; the same report as
/// logistic regression. The default target is 1.01 × the best objective any mode reaches (there is no convex optimum
/// to compute first).
/// </summary>
internal static class MfExperiment
{
    public static async Task<(IReadOnlyList<ModeResult> Results, double Target)> RunAsync(DataflowContext ctx, Settings settings, MfSettings mf, string program,
        CancellationToken cancellationToken)
    {
        var (ratings, description) = Load(ctx, settings, mf);
        Directory.CreateDirectory(settings.Out);
        ratings = ratings.Cache();
        var count = await ratings.CountAsync(cancellationToken);
        if (count == 0)
        {
            throw new UsageException($"--data {settings.Data}: there are no ratings.");
        }

        var (users, items) = await ShapeAsync(ratings, cancellationToken);
        var start = await FactorInitialization.CreateAsync(ratings, users, items, mf.Rank, settings.Seed, cancellationToken: cancellationToken);
        Console.Error.WriteLine($"{program}: {description}; {count} ratings, {users} users, {items} items, rank {mf.Rank}, {settings.Workers} workers, {ctx.Master}");

        var runners = new MfRunners(settings, mf.Rank, start, ratings);
        var results = new List<ModeResult>();
        foreach (var mode in settings.Modes)
        {
            Console.Error.WriteLine($"{program}: {mode.Token}: training {settings.Clocks} clocks");
            var result = await runners.RunAsync(mode, cancellationToken);
            foreach (var (clock, wall, objective) in result.Curve)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{program}: {mode.Token}: clock {clock} objective {objective:G6} at {wall:F2} s"));
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{program}: {mode.Token}: final objective {result.FinalObjective:G8}"));
            results.Add(result);
        }

        double target;
        string targetSource;
        if (settings.TargetObjective is { } given)
        {
            (target, targetSource) = (given, "given with --target-objective");
        }
        else
        {
            var best = results.Select(r => (r.Mode.Token, Value: r.Curve.Select(p => p.Objective).Append(r.FinalObjective).Min())).MinBy(b => b.Value);
            target = 1.01 * best.Value;
            targetSource = string.Create(CultureInfo.InvariantCulture, $"1.01 × the best objective any mode reached, {best.Value:G8} ({best.Token})");
        }

        foreach (var r in results)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{program}: {r.Mode.Token}: time to target {target:G6}: {(r.TimeTo(target) is { } t ? t.ToString("F2", CultureInfo.InvariantCulture) + " s" : "not reached")}"));
        }

        Report.WriteResults(Path.Combine(settings.Out, "results.csv"), results);
        Report.WriteSlowClocks(Path.Combine(settings.Out, "slow-clocks.csv"), results);
        Report.WritePlots(settings.Out, results);
        Report.WriteSummary(Path.Combine(settings.Out, "summary.md"), settings, results, target, targetSource,
            string.Create(CultureInfo.InvariantCulture, $"{description}; matrix factorisation, {users} users × {items} items, rank {mf.Rank}, {count} ratings; objective MSE + (λ/2)(‖U‖² + ‖V‖²)"), $"{ctx.Master}");
        Console.Error.WriteLine($"{program}: wrote results.csv, slow-clocks.csv, objective-vs-time.png, objective-vs-clock.png, time-split.png and summary.md to {settings.Out}");
        await ratings.UnpersistAsync();
        return (results, target);
    }

    /// <summary>The modes matrix factorisation has: rdd mode is a usage error.</summary>
    public static void CheckModes(Settings settings)
    {
        if (settings.Modes.FirstOrDefault(m => m.Kind == "rdd") is { } rdd)
        {
            throw new UsageException($"--modes {rdd.Token}: rdd mode (the model kept in an RDD) is logistic regression only; use driver and the ps modes with --algorithm mf.");
        }

        if (settings.MaxSeconds is not null)
        {
            throw new UsageException("--max-seconds runs logistic regression only (the matrix-factorisation trainers have no time limit); bound --clocks instead.");
        }
    }

    private static (Rdd<Rating> Ratings, string Description) Load(DataflowContext ctx, Settings settings, MfSettings mf)
    {
        if (settings.Data.Equals("synthetic", StringComparison.OrdinalIgnoreCase))
        {
            var generator = new RatingGenerator { Users = mf.Users, Items = mf.Items, Rank = mf.Rank, Ratings = mf.Ratings, Seed = settings.Seed };
            return (ctx.Parallelize(generator.Generate(), settings.Workers), string.Create(CultureInfo.InvariantCulture,
                $"synthetic ratings: rank {mf.Rank} + noise {generator.Noise}, item popularity ∝ (i + 1)^−{generator.PopularityExponent}, seed {settings.Seed}"));
        }

        var path = Path.GetFullPath(settings.Data);
        if (settings.Data.Equals("text", StringComparison.OrdinalIgnoreCase) || (!File.Exists(path) && !Directory.Exists(path)))
        {
            throw new UsageException($"--data with --algorithm mf is synthetic or a file of user,item,rating lines, got '{settings.Data}'.");
        }

        var loaded = ctx.LoadRatings(path, minPartitions: settings.Workers);
        return (loaded.NumPartitions == settings.Workers ? loaded : loaded.Repartition(settings.Workers), $"ratings file {settings.Data}");
    }

    private static async Task<(int Users, int Items)> ShapeAsync(Rdd<Rating> ratings, CancellationToken cancellationToken)
    {
        var largest = await ratings.SelectPartitions(static rows =>
        {
            var (u, i) = (-1, -1);
            foreach (var r in rows)
            {
                (u, i) = (Math.Max(u, r.User), Math.Max(i, r.Item));
            }

            return new[] { (u, i) };
        }).ToListAsync(cancellationToken);
        return (largest.Max(x => x.u) + 1, largest.Max(x => x.i) + 1);
    }
}

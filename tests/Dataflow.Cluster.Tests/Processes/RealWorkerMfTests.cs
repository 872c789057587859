using System.Globalization;
using Dataflow.Cluster.Tests.Scripts;
using Dataflow.MLlib.Recommendation;

namespace Dataflow.Cluster.Tests.Processes;

/// <summary>
/// Matrix factorisation on the parameter server on real worker processes (cluster-config/local-cluster.sh), as
/// <see cref="RealWorkerPsTests"/> does for logistic regression: an application that names no cluster type (it only
/// references Dataflow.MLlib.Cluster, as examples/MatrixFactorization does) trains with the shard grains on the worker
/// silos (ShardHosts.For), and PS-BSP gives local mode's factors to the last bit.
/// </summary>
[Collection("processes")]
public sealed class RealWorkerMfTests : IDisposable
{
    private const string JobProgram = """
        using System.Globalization;
        using Dataflow;
        using Dataflow.MLlib.ParameterServer;
        using Dataflow.MLlib.Recommendation;
        // args: master consistency clocks
        await using var ctx = new DataflowContext(args[0]);
        var generator = new RatingGenerator { Users = 60, Items = 40, Rank = 3, Ratings = 3000, Noise = 0.1, PopularityExponent = 0.5, Seed = 21 };
        var ratings = ctx.Parallelize(generator.Generate(), 2).Cache();
        var (model, summary) = await new PsMatrixFactorization
        {
            Consistency = args[1], Rank = 3, RegParam = 1e-5, Iterations = int.Parse(args[2], CultureInfo.InvariantCulture), Users = 60, Items = 40,
        }.FitAsync(ratings);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"objective\t{summary.Objective:R}"));
        Console.WriteLine("factors\t" + string.Join(',', model.Factors.ToArray().Select(f => f.ToString("R", CultureInfo.InvariantCulture))));
        """;

    private const int Users = 60, Items = 40, Rank = 3;
    private const double Lambda = 1e-5;

    private static readonly Dictionary<string, string?> s_noEnvironment = [];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dataflow-mfjob-" + Guid.NewGuid().ToString("N")[..10]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PsMatrixFactorization_OnTwoRealWorkers_MatchesLocalModeToTheBit()
    {
        var repo = Repository.Root();
        var app = await JobApps.BuildAsync(_dir, "MfJob", JobProgram, parameterServer: true, TestContext.Current.CancellationToken);
        var runDir = Path.Combine(_dir, "run");
        var env = new Dictionary<string, string?> { ["DATAFLOW_RUN_DIR"] = runDir };
        var script = Path.Combine(repo, "cluster-config", "local-cluster.sh");
        // --rebuild: the workers must run this build (the shard grains included), not an older Release build left in the tree.
        var start = await ProcessRunner.RunAsync("bash", [script, "start", "2", "--slots", "2", "--rebuild"], repo, env, TimeSpan.FromMinutes(5), Ct);
        try
        {
            Assert.True(start.ExitCode == 0, start.Stderr + JobApps.WorkerLogs(runDir));
            var master = start.Stdout.Trim().Split('\n')[^1];

            // BSP applies each clock's updates in worker order: the cluster's run is the local one, to the last bit.
            var local = await ProcessRunner.RunAsync("dotnet", [app, "local[2]", "bsp", "400"], _dir, s_noEnvironment, TimeSpan.FromMinutes(3), Ct);
            var cluster = await ProcessRunner.RunAsync("dotnet", [app, master, "bsp", "400"], _dir, s_noEnvironment, TimeSpan.FromMinutes(3), Ct);
            Assert.True(local.ExitCode == 0, local.ToString());
            Assert.True(cluster.ExitCode == 0, cluster + JobApps.WorkerLogs(runDir));
            Assert.Equal(local.Stdout, cluster.Stdout);
            // The tasks found their shards as grains on the workers (the driver registers none of its own on a cluster).
            Assert.DoesNotContain("no shards in this process", cluster.Stderr, StringComparison.Ordinal);

            // The reported objective is that of the factors read back, recomputed here in float64 from the same ratings;
            // and the fit converged: about the objective of the true factors the ratings were drawn from (noise variance 0.01).
            var (ratings, trueUsers, trueItems) = new RatingGenerator
            {
                Users = Users, Items = Items, Rank = Rank, Ratings = 3000, Noise = 0.1, PopularityExponent = 0.5, Seed = 21,
            }.GenerateWithTruth();
            var factors = cluster.StdoutLines.Single(l => l.StartsWith("factors\t", StringComparison.Ordinal))[8..]
                .Split(',').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal((Users + Items) * Rank, factors.Length);
            var reported = double.Parse(cluster.StdoutLines.Single(l => l.StartsWith("objective\t", StringComparison.Ordinal))[10..], CultureInfo.InvariantCulture);
            var recomputed = Objective(ratings, factors);
            Assert.True(Math.Abs(reported - recomputed) <= 1e-9 * recomputed, $"reported {reported}, recomputed {recomputed}");
            var truth = Objective(ratings, [.. trueUsers, .. trueItems]);
            Assert.InRange(reported, truth * 0.7, truth * 1.03);
        }
        finally
        {
            await ProcessRunner.RunAsync("bash", [script, "stop"], repo, env, TimeSpan.FromMinutes(1), Ct);
        }
    }

    /// <summary>The float64 reference: mean squared error + (λ/2)‖X‖², X = users' rows then items' rows, row-major.</summary>
    private static double Objective(List<Rating> ratings, double[] x)
    {
        var squared = 0.0;
        foreach (var r in ratings)
        {
            var p = 0.0;
            for (var f = 0; f < Rank; f++)
            {
                p += x[(r.User * Rank) + f] * x[((Users + r.Item) * Rank) + f];
            }

            squared += (p - r.Value) * (p - r.Value);
        }

        return (squared / ratings.Count) + (Lambda / 2 * x.Sum(v => v * v));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}

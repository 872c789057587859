using System.Globalization;
using System.Text.Json;

namespace Dataflow.Examples.Tests.KMeans;

/// <summary>The KMeans example run as a program: its table, metrics JSON (checked against the data itself) and error exits.</summary>
public sealed class KMeansExampleTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("kmeans-test-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static double[][] ReadCsv(string path) =>
        [.. File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray())];

    private static async Task<(double Cost, double[][] Centers, int Iterations, double Seconds)> ReadMetricsAsync(string path)
    {
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path, Ct));
        var root = json.RootElement;
        Assert.Equal(["cost", "centers", "iterations", "seconds"], root.EnumerateObject().Select(p => p.Name));
        var centers = root.GetProperty("centers").EnumerateArray().Select(c => c.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        return (root.GetProperty("cost").GetDouble(), centers, root.GetProperty("iterations").GetInt32(), root.GetProperty("seconds").GetDouble());
    }

    // The cost of the centres over the rows, computed here from the file (values as float32, as the blocks hold them).
    private static double Cost(double[][] rows, double[][] centers) =>
        rows.Sum(r => centers.Min(c => c.Select((x, j) => ((float)r[j] - x) * ((float)r[j] - x)).Sum()));

    private static Dictionary<string, string> Table(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(3).ToDictionary(l => l[..12].Trim(), l => l[12..].Trim());

    [Fact]
    public async Task Iris_WithTheLabelDropped_ReachesTheKnownOptimumAndWritesMetrics()
    {
        var data = ProgramRunner.DataFile("iris.csv");
        var metrics = Path.Combine(_temp, "out", "metrics.json");

        var result = await ProgramRunner.RunAsync("KMeans", "--input", data, "--label-column", "label", "--k", "3", "--runs", "5",
            "--master", "local[2]", "--metrics-out", metrics);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var (cost, centers, iterations, seconds) = await ReadMetricsAsync(metrics);
        Assert.InRange(cost, 78.851 - 0.01, 78.851 + 0.01);
        Assert.Equal(3, centers.Length);
        Assert.All(centers, c => Assert.Equal(4, c.Length));
        Assert.All(centers.SelectMany(c => c).Append(seconds), v => Assert.True(double.IsFinite(v)));
        Assert.InRange(iterations, 1, 20);
        var rows = ReadCsv(data).Select(r => r[..^1]).ToArray();
        Assert.Equal(Cost(rows, centers), cost, 1e-9 * cost);
        var table = Table(result.Stdout);
        Assert.Equal(cost, double.Parse(table["cost"], CultureInfo.InvariantCulture), 1e-5 * cost);
        Assert.Equal(iterations, int.Parse(table["iterations"], CultureInfo.InvariantCulture));
        var clusters = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(4).ToArray();
        Assert.Equal(3, clusters.Length);
        Assert.Equal(150, clusters.Sum(l => int.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)));
        Assert.Contains("k-means iteration 1", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Iris_WithoutLabelColumn_ClustersEveryColumnAndStandardizes()
    {
        var data = ProgramRunner.DataFile("iris.csv");
        var metrics = Path.Combine(_temp, "metrics.json");

        var result = await ProgramRunner.RunAsync("KMeans", "--input", data, "--k", "3", "--standardize", "--iterations", "30", "--seed", "2",
            "--tolerance", "1e-6", "--metrics-out", metrics, "--master", "local[1]");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var (cost, centers, _, _) = await ReadMetricsAsync(metrics);
        Assert.All(centers, c => Assert.Equal(5, c.Length));

        // The centres and cost are in the standardised space: the five columns scaled here with the population statistics.
        var rows = ReadCsv(data);
        var n = rows.Length;
        var mean = Enumerable.Range(0, 5).Select(j => rows.Sum(r => r[j]) / n).ToArray();
        var std = Enumerable.Range(0, 5).Select(j => Math.Sqrt(rows.Sum(r => (r[j] - mean[j]) * (r[j] - mean[j])) / n)).ToArray();
        var scaled = rows.Select(r => r.Select((x, j) => (x - mean[j]) / std[j]).ToArray()).ToArray();
        Assert.Equal(Cost(scaled, centers), cost, 1e-5 * cost);
        Assert.True(cost < 5 * n, $"cost {cost} of standardised data (variance 5 per row)");
    }

    [Fact]
    public async Task LibSvmInput_IsClusteredSparse()
    {
        var file = Path.Combine(_temp, "points.txt");
        var lines = Enumerable.Range(0, 60).Select(i => i % 2 == 0 ? $"1 1:{1 + (i % 5)} 3:2" : $"0 8:{10 + (i % 3)} 9:1");
        await File.WriteAllTextAsync(file, string.Join("\n", lines) + "\n", Ct);
        var metrics = Path.Combine(_temp, "metrics.json");

        var result = await ProgramRunner.RunAsync("KMeans", "--input", file, "--k", "2", "--metrics-out", metrics, "--master", "local[2]");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var (cost, centers, _, _) = await ReadMetricsAsync(metrics);
        Assert.All(centers, c => Assert.Equal(9, c.Length));
        var rows = lines.Select(l =>
        {
            var row = new double[9];
            foreach (var field in l.Split(' ').Skip(1))
            {
                row[int.Parse(field.Split(':')[0], CultureInfo.InvariantCulture) - 1] = double.Parse(field.Split(':')[1], CultureInfo.InvariantCulture);
            }

            return row;
        }).ToArray();
        Assert.Equal(Cost(rows, centers), cost, 1e-9 * Math.Max(1, cost));
        Assert.Equal(60 + 20, cost, 1e-9);
    }

    [Fact]
    public async Task BadRow_ExitsTwoNamingFileAndLine()
    {
        var file = Path.Combine(_temp, "bad.csv");
        await File.WriteAllTextAsync(file, "a,b\n1,2\n3,4\n5,x\n", Ct);
        var metrics = Path.Combine(_temp, "metrics.json");

        var result = await ProgramRunner.RunAsync("KMeans", "--input", file, "--k", "2", "--metrics-out", metrics, "--master", "local[2]");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{file}:4: ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
        Assert.False(File.Exists(metrics));
    }

    [Theory]
    [InlineData("--k", "0")]
    [InlineData("--iterations", "0")]
    [InlineData("--runs", "0")]
    [InlineData("--tolerance", "-1")]
    [InlineData("--format", "xml")]
    [InlineData("--k", "200")]
    public async Task BadOption_IsUsageError(string option, string value)
    {
        var args = new List<string> { "--input", ProgramRunner.DataFile("iris.csv"), "--master", "local[1]", option, value };
        if (option != "--k")
        {
            args.AddRange(["--k", "3"]);
        }

        var result = await ProgramRunner.RunAsync("KMeans", [.. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option == "--k" && value == "200" ? "at least 200 rows" : option, result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task MissingK_IsUsageError()
    {
        var result = await ProgramRunner.RunAsync("KMeans", "--input", ProgramRunner.DataFile("iris.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--k", result.Stderr, StringComparison.Ordinal);
    }
}

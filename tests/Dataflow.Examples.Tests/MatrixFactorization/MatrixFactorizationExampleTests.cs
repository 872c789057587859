using System.Globalization;
using System.Text.Json;

namespace Dataflow.Examples.Tests.MatrixFactorization;

/// <summary>The MatrixFactorization example run as a program: its table, metrics JSON in both modes, and its error exits.</summary>
public sealed class MatrixFactorizationExampleTests : IDisposable
{
    private static readonly string[] s_small = ["--master", "local[2]", "--users", "120", "--items", "80", "--rank", "4", "--ratings", "6000", "--iterations", "150"];
    private readonly string _temp = Directory.CreateTempSubdirectory("mf-test-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static Dictionary<string, string> Table(string stdout) => stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .ToDictionary(line => line[..16].Trim(), line => line[16..].Trim());

    [Fact]
    public async Task DriverAndPsBsp_PrintTheTable_WriteFiniteMetrics_AndReachTheSameObjective()
    {
        var objectives = new Dictionary<string, double>();
        foreach (var mode in new[] { "driver", "ps" })
        {
            var metrics = Path.Combine(_temp, mode + ".json");
            var result = await ProgramRunner.RunAsync("MatrixFactorization", [.. s_small, "--mode", mode, "--metrics-out", metrics]);
            Assert.True(result.ExitCode == 0, result.Stderr);
            var table = Table(result.Stdout);
            Assert.Equal(["objective", "rmse", "iterations", "seconds"], table.Keys);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(metrics, Ct));
            var root = json.RootElement;
            Assert.Equal(mode, root.GetProperty("mode").GetString());
            foreach (var name in new[] { "objective", "rmse", "seconds", "clocks", "bytesSent", "bytesReceived" })
            {
                var value = root.GetProperty(name).GetDouble();
                Assert.True(double.IsFinite(value) && value > 0, $"{mode}: {name} = {value}");
            }

            Assert.Equal(150, root.GetProperty("clocks").GetInt32());
            Assert.Equal(double.Parse(table["objective"], CultureInfo.InvariantCulture), root.GetProperty("objective").GetDouble(), 1e-5);
            // Generated with noise 0.1: the fit's training RMSE is near it.
            Assert.InRange(root.GetProperty("rmse").GetDouble(), 0.05, 0.2);
            if (mode == "ps")
            {
                Assert.Equal("bsp", root.GetProperty("consistency").GetString());
                Assert.True(root.GetProperty("waitSeconds").GetDouble() >= 0);
                Assert.Equal(4, root.GetProperty("workers").GetInt32());
            }

            objectives[mode] = root.GetProperty("objective").GetDouble();
        }

        Assert.True(Math.Abs(objectives["driver"] - objectives["ps"]) <= 0.03 * objectives["driver"], $"driver {objectives["driver"]}, ps {objectives["ps"]}");
    }

    [Fact]
    public async Task InputFile_PsAsp_Trains()
    {
        var file = Path.Combine(_temp, "ratings.csv");
        var random = new Random(3);
        await File.WriteAllLinesAsync(file, ["# user,item,rating", .. Enumerable.Range(0, 2000).Select(_ =>
            string.Create(CultureInfo.InvariantCulture, $"{random.Next(40)},{random.Next(30)},{random.Next(1, 6)}"))], Ct);
        var metrics = Path.Combine(_temp, "m.json");
        var result = await ProgramRunner.RunAsync("MatrixFactorization", "--input", file, "--mode", "ps", "--consistency", "asp", "--workers", "3",
            "--iterations", "30", "--master", "local[2]", "--metrics-out", metrics);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(metrics, Ct));
        Assert.Equal("asp", json.RootElement.GetProperty("consistency").GetString());
        Assert.Equal(40, json.RootElement.GetProperty("users").GetInt32());
        Assert.Equal(30, json.RootElement.GetProperty("items").GetInt32());
        Assert.True(double.IsFinite(json.RootElement.GetProperty("objective").GetDouble()));
    }

    [Fact]
    public async Task InputFile_BadLine_ExitsTwoNamingFileAndLine()
    {
        var file = Path.Combine(_temp, "bad.csv");
        await File.WriteAllTextAsync(file, "0,1,4\n1,2,3\n2,two,5\n", Ct);
        var result = await ProgramRunner.RunAsync("MatrixFactorization", "--input", file, "--master", "local[2]", "--iterations", "5");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{file}:3: ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData("rdd mode", "--mode", "rdd")]
    [InlineData("--mode", "--mode", "gpu")]
    [InlineData("--consistency", "--mode", "ps", "--consistency", "ssp:")]
    [InlineData("--consistency applies to --mode ps", "--consistency", "asp")]
    [InlineData("--updater", "--updater", "adam")]
    [InlineData("--ratings applies to generated", "--input", "x.csv", "--ratings", "5")]
    [InlineData("--snapshot-dir", "--mode", "ps", "--snapshot-every", "5")]
    [InlineData("unknown", "--bogus", "1")]
    public async Task BadArguments_ExitTwo_WithOneLine(string expected, params string[] args)
    {
        var result = await ProgramRunner.RunAsync("MatrixFactorization", [.. args, "--master", "local[2]"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", result.Stdout);
    }
}

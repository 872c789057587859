using System.Globalization;
using System.Text.Json;
using Dataflow.MLlib.Kernels;

namespace Dataflow.Examples.Tests.LogisticRegression;

/// <summary>
/// <c>--device</c> on the ML examples: ILGPU's CPU accelerator reaches the managed kernels' objective, <c>gpu</c>
/// without CUDA is a usage error, and the chosen device is logged once on standard error.
/// </summary>
public sealed class DeviceOptionTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("device-test-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task BreastCancer_IlgpuCpu_ReachesTheCpuObjective()
    {
        var cpu = await ObjectiveAsync("cpu");
        var ilgpu = await ObjectiveAsync("ilgpu-cpu");

        Assert.InRange(cpu, 0.01, 0.2);
        Assert.True(Math.Abs(ilgpu - cpu) <= 1e-6 * cpu, $"ilgpu-cpu objective {ilgpu:R}, cpu {cpu:R}");
    }

    [Fact]
    public async Task Gpu_WithoutCuda_ExitsTwoSayingNoCudaDeviceWasFound()
    {
        Assert.SkipWhen(BlockKernels.FindCuda().DeviceName is not null, "this machine has a CUDA device");

        var result = await ProgramRunner.RunAsync("LogisticRegression", "--train", ProgramRunner.DataFile("breast_cancer.csv"), "--device", "gpu",
            "--master", "local[1]");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("no CUDA device was found", line, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task KMeans_GpuWithoutCuda_ExitsTwoAndUnknownDeviceNamesTheKey()
    {
        Assert.SkipWhen(BlockKernels.FindCuda().DeviceName is not null, "this machine has a CUDA device");
        var iris = ProgramRunner.DataFile("iris.csv");

        var gpu = await ProgramRunner.RunAsync("KMeans", "--input", iris, "--label-column", "label", "--k", "3", "--device", "gpu", "--master", "local[1]");
        var unknown = await ProgramRunner.RunAsync("KMeans", "--input", iris, "--label-column", "label", "--k", "3", "--device", "tpu", "--master", "local[1]");

        Assert.Equal(2, gpu.ExitCode);
        Assert.Contains("no CUDA device was found", gpu.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("Dataflow:ML:Device", unknown.Stderr, StringComparison.Ordinal);
        Assert.Contains("auto|gpu|cpu|ilgpu-cpu", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KMeans_IlgpuCpu_FindsTheCpuCost()
    {
        var cpu = await KMeansCostAsync("cpu");
        var ilgpu = await KMeansCostAsync("ilgpu-cpu");

        Assert.InRange(cpu, 78.851 - 0.01, 78.851 + 0.01);
        Assert.Equal(cpu, ilgpu, 1e-9 * cpu);
    }

    private async Task<double> ObjectiveAsync(string device)
    {
        var metrics = Path.Combine(_temp, device + ".json");
        var result = await ProgramRunner.RunAsync("LogisticRegression", "--train", ProgramRunner.DataFile("breast_cancer.csv"), "--standardize",
            "--reg", (1.0 / 569).ToString("R", CultureInfo.InvariantCulture), "--tolerance", "1e-10", "--iterations", "300", "--partitions", "3",
            "--master", "local[2]", "--device", device, "--metrics-out", metrics);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var logged = result.Stderr.Split('\n').Where(l => l.Contains("ML kernels:", StringComparison.Ordinal)).ToArray();
        Assert.StartsWith(device == "cpu" ? "simd " : "ilgpu-cpu ", Assert.Single(logged).Split("ML kernels: ")[1], StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(metrics, Ct));
        return json.RootElement.GetProperty("objective").GetDouble();
    }

    private async Task<double> KMeansCostAsync(string device)
    {
        var metrics = Path.Combine(_temp, "kmeans-" + device + ".json");
        var result = await ProgramRunner.RunAsync("KMeans", "--input", ProgramRunner.DataFile("iris.csv"), "--label-column", "label", "--k", "3",
            "--runs", "5", "--master", "local[2]", "--device", device, "--metrics-out", metrics);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Single(result.Stderr.Split('\n'), l => l.Contains("ML kernels:", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(metrics, Ct));
        return json.RootElement.GetProperty("cost").GetDouble();
    }
}

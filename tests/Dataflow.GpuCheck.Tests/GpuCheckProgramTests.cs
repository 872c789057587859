using System.Diagnostics;

namespace Dataflow.GpuCheck.Tests;

/// <summary>
/// The GPU check run as a program. Without CUDA (CI) it reports that ILGPU found no device and runs its checks on
/// ILGPU's CPU accelerator: the kernels agree, the GB/s lines are there, a tiny sweep writes its CSV, and the report
/// file repeats what was printed.
/// </summary>
public sealed class GpuCheckProgramTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("gpu-check-test-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task WithoutCuda_ChecksOnTheCpuAcceleratorAndWritesTheReport()
    {
        var (exit, stdout, stderr) = await RunAsync("--out", _temp, "--block", "2m", "--sizes", "100", "--volume", "32k", "--iterations", "2");

        Assert.True(exit == 0, stderr);
        var cuda = stdout.Split('\n').Any(l => l.StartsWith("CUDA device: ", StringComparison.Ordinal));
        Assert.True(cuda || stdout.Contains("CUDA: ILGPU", StringComparison.Ordinal), stdout);
        Assert.Contains(cuda ? "kernels: ilgpu-cuda" : "kernels: ilgpu-cpu", stdout, StringComparison.Ordinal);
        Assert.Contains("kernel agreement: ok", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", stdout, StringComparison.Ordinal);
        Assert.Equal(2, stdout.Split('\n').Count(l => l.StartsWith("dense gradient pass (", StringComparison.Ordinal)));
        Assert.Contains("crossover local[2] cpu csr: ", stdout, StringComparison.Ordinal);
        var csv = await File.ReadAllLinesAsync(Path.Combine(_temp, "bottleneck.csv"), TestContext.Current.CancellationToken);
        Assert.StartsWith("mode,device,layout,d,iteration,", csv[0], StringComparison.Ordinal);
        Assert.Contains(csv, l => l.StartsWith(cuda ? "local[2],gpu,csr,100," : "local[2],ilgpu-cpu,csr,100,", StringComparison.Ordinal));
        var report = await File.ReadAllTextAsync(Path.Combine(_temp, "gpu-check.txt"), TestContext.Current.CancellationToken);
        Assert.Contains("kernel agreement: ok", report, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Dataflow.GpuCheck.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

using Microsoft.Extensions.Logging;

namespace Dataflow.MLlib.Kernels.Tests;

/// <summary>Device names and the kernels each device gives (no CUDA device in CI: both outcomes are checked).</summary>
public sealed class BlockKernelsFactoryTests
{
    [Theory]
    [InlineData("auto", KernelDevice.Auto)]
    [InlineData("GPU", KernelDevice.Gpu)]
    [InlineData(" cpu ", KernelDevice.Cpu)]
    [InlineData("ilgpu-cpu", KernelDevice.IlgpuCpu)]
    public void ParseDevice_KnownNames_RoundTrip(string name, KernelDevice expected)
    {
        Assert.Equal(expected, BlockKernels.ParseDevice(name));
        Assert.Equal(name.Trim().ToLowerInvariant(), BlockKernels.Format(expected));
    }

    [Fact]
    public void ParseDevice_UnknownName_ListsTheValidOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => BlockKernels.ParseDevice("cuda"));
        Assert.Contains("'cuda'", error.Message, StringComparison.Ordinal);
        Assert.Contains("auto|gpu|cpu|ilgpu-cpu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_Cpu_GivesSimdAndLogsTheChoiceOnce()
    {
        var logger = new ListLogger();
        var kernels = BlockKernels.Create(KernelDevice.Cpu, logger);

        Assert.IsType<SimdKernels>(kernels);
        var line = Assert.Single(logger.Lines);
        Assert.Contains("simd", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_IlgpuCpu_GivesIlgpuKernelsOnTheCpuAccelerator()
    {
        var logger = new ListLogger();
        using var kernels = Assert.IsType<IlgpuKernels>(BlockKernels.Create(KernelDevice.IlgpuCpu, logger));

        Assert.Equal("ilgpu-cpu", kernels.Name);
        Assert.Contains("ilgpu-cpu", Assert.Single(logger.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_GpuAndAuto_UseCudaWhenFoundElseGpuFailsAndAutoFallsBack()
    {
        var probe = IlgpuKernels.TryCreateCuda(out var reason);
        var hasCuda = probe is not null;
        probe?.Dispose();

        var auto = BlockKernels.Create(KernelDevice.Auto);
        try
        {
            Assert.Equal(hasCuda ? "ilgpu-cuda" : "simd", auto.Name);
        }
        finally
        {
            (auto as IDisposable)?.Dispose();
        }

        if (hasCuda)
        {
            using var gpu = Assert.IsType<IlgpuKernels>(BlockKernels.Create(KernelDevice.Gpu));
            Assert.Equal("ilgpu-cuda", gpu.Name);
        }
        else
        {
            Assert.NotEmpty(reason);
            var error = Assert.Throws<DeviceNotFoundException>(() => BlockKernels.Create(KernelDevice.Gpu));
            Assert.Contains("no CUDA device was found", error.Message, StringComparison.Ordinal);
        }
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Lines.Add(formatter(state, exception));
    }
}

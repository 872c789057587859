using System.Collections;
using Dataflow.CommandLine;
using Dataflow.Configuration;
using Dataflow.MLlib.Kernels;

namespace Dataflow.MLlib.Tests;

public sealed class MLOptionsTests
{
    public MLOptionsTests() => MLOptions.Register();

    [Fact]
    public void Register_AddsTheMaxBlockSizeKey()
    {
        var option = OptionsRegistry.Find("Dataflow:ML:MaxBlockSize");

        Assert.NotNull(option);
        Assert.Equal("size", option.TypeName);
        Assert.Equal("256m", option.DefaultText);
        Assert.Equal("DATAFLOW__ML__MAXBLOCKSIZE", option.EnvironmentVariable);
    }

    [Fact]
    public void Load_FromConfAndEnvironment_BindsWithConfWinning()
    {
        var env = new Hashtable { ["DATAFLOW__ML__MAXBLOCKSIZE"] = "8m" };

        var fromEnv = DataflowConfiguration.Load([], environment: env);
        var fromConf = DataflowConfiguration.Load([new("Dataflow:ML:MaxBlockSize", "64m")], environment: env);

        Assert.Equal(ByteSize.FromMiB(8), fromEnv.Section<MLOptions>().MaxBlockSize);
        Assert.Equal(ByteSize.FromMiB(64), fromConf.Section<MLOptions>().MaxBlockSize);
    }

    [Theory]
    [InlineData("512")]
    [InlineData("3g")]
    public void Load_OutOfRange_ThrowsNamingTheKey(string value)
    {
        var error = Assert.Throws<DataflowConfigurationException>(() =>
            DataflowConfiguration.Load([new("Dataflow:ML:MaxBlockSize", value)], environment: new Hashtable()));

        Assert.StartsWith("Dataflow:ML:MaxBlockSize must be from 1k to 2g, got ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpu", KernelDevice.Cpu)]
    [InlineData("ilgpu-cpu", KernelDevice.IlgpuCpu)]
    [InlineData("GPU", KernelDevice.Gpu)]
    public void Load_Device_BindsAndParses(string value, KernelDevice expected)
    {
        var options = DataflowConfiguration.Load([new("Dataflow:ML:Device", value)], environment: new Hashtable()).Section<MLOptions>();

        Assert.Equal(expected, options.KernelDevice);
        Assert.Equal(KernelDevice.Auto, DataflowConfiguration.Load([], environment: new Hashtable()).Section<MLOptions>().KernelDevice);
    }

    [Fact]
    public void Load_UnknownDevice_ThrowsNamingTheKeyAndTheChoices()
    {
        var error = Assert.Throws<DataflowConfigurationException>(() =>
            DataflowConfiguration.Load([new("Dataflow:ML:Device", "cuda")], environment: new Hashtable()));

        Assert.StartsWith("Dataflow:ML:Device must be one of auto|gpu|cpu|ilgpu-cpu, got ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DeviceMemory_BecomesTheKernelsBudget()
    {
        var options = DataflowConfiguration.Load([new("Dataflow:ML:DeviceMemory", "64m")], environment: new Hashtable()).Section<MLOptions>();

        Assert.Equal(64L << 20, options.DeviceOptions.MemoryBudget);
        Assert.Null(DataflowConfiguration.Load([], environment: new Hashtable()).Section<MLOptions>().DeviceOptions.MemoryBudget);
    }

    [Fact]
    public void Load_UnknownMLKey_ListsTheSectionKeys()
    {
        var error = Assert.Throws<DataflowConfigurationException>(() =>
            DataflowConfiguration.Load([new("Dataflow:ML:Foo", "1")], environment: new Hashtable()));

        Assert.Equal("unknown configuration key 'Dataflow:ML:Foo' from --conf; the section's keys are Dataflow:ML:MaxBlockSize, Dataflow:ML:Device, Dataflow:ML:DeviceMemory", error.Message);
    }

    [Fact]
    public void Help_ListsTheMLKeys()
    {
        var parser = new ArgumentParser("Train", "Trains.");
        parser.AddStandardOptions();

        Assert.Contains("Dataflow:ML:MaxBlockSize size", parser.Parse(["--help"]).HelpText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_Context_ReadsItsBoundSection()
    {
        var options = DataflowConfiguration.Load([new("Dataflow:ML:MaxBlockSize", "2m")], environment: new Hashtable());
        options.Master = "local[1]";
        await using var ctx = new DataflowContext(options);
        await using var plain = new DataflowContext("local[1]");

        Assert.Equal(ByteSize.FromMiB(2), MLOptions.From(ctx).MaxBlockSize);
        Assert.Equal(ByteSize.FromMiB(256), MLOptions.From(plain).MaxBlockSize);
    }
}

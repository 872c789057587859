using System.Net;
using System.Net.Sockets;
using Dataflow.CommandLine;
using Dataflow.Configuration;
using Dataflow.Ui.Api;
using Dataflow.Ui.Hosting;
using Dataflow.Ui.Model;

namespace Dataflow.Ui.Tests;

public sealed class UiOptionsTests
{
    [Fact]
    public void Section_IsRegisteredWithDefaults_AndValidated()
    {
        UiOptions.Register();

        var defaults = DataflowConfiguration.Load([]).Section<UiOptions>();
        var e = Assert.Throws<DataflowConfigurationException>(() => DataflowConfiguration.Load([new("Dataflow:Ui:Port", "70000")]));

        Assert.True(defaults.Enabled);
        Assert.Equal(4040, defaults.Port);
        Assert.Equal("127.0.0.1", defaults.Host);
        Assert.Contains("Dataflow:Ui:Port must be a port from 0 to 65535, got 70000", e.Message, StringComparison.Ordinal);
        Assert.NotNull(OptionsRegistry.Find("Dataflow:Ui:ConsoleProgress"));
    }

    [Fact]
    public void Flags_WinOverConf()
    {
        var parser = new ArgumentParser("t", "test");
        var ui = parser.AddDriverUiOptions();
        var standard = parser.AddStandardOptions();
        var parsed = parser.Parse(["--conf", "Dataflow:Ui:Port=5000", "--ui-port", "0", "--no-progress"]);
        var conf = parser.Parse(["--conf", "Dataflow:Ui:Port=5000"]);

        var resolved = ui.Resolve(parsed, standard.LoadOptions(parsed, environment: new Dictionary<string, string>()));
        var fromConf = ui.Resolve(conf, standard.LoadOptions(conf, environment: new Dictionary<string, string>()));

        Assert.Equal(0, resolved.Port);
        Assert.False(resolved.ConsoleProgress);
        Assert.True(resolved.Enabled);
        Assert.Equal(5000, fromConf.Port);
        Assert.True(fromConf.ConsoleProgress);
        Assert.False(ui.Resolve(parser.Parse(["--no-ui"]), new DataflowOptions()).Enabled);
    }

    [Fact]
    public async Task Server_PortTaken_TakesTheNextFreeOne()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var server = await UiServer.StartAsync(new LiveAppSource(new AppModel()), history: false, "127.0.0.1", port, 16,
            handleCtrlC: false, TestContext.Current.CancellationToken);

        Assert.InRange(server.Url.Port, port + 1, port + 16);
        Assert.Equal("127.0.0.1", server.Url.Host);
    }

    [Fact]
    public async Task Server_NoFreePortInRange_SaysWhichPortsAndTheOption()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var e = await Assert.ThrowsAsync<IOException>(() => UiServer.StartAsync(new LiveAppSource(new AppModel()), history: false,
            "127.0.0.1", port, 0, handleCtrlC: false, TestContext.Current.CancellationToken));

        Assert.StartsWith($"Ports {port} to {port} on 127.0.0.1 are all in use; choose another with --ui-port", e.Message);
    }

    [Fact]
    public void Quantiles_FollowSparksRule()
    {
        Assert.Equal([10, 20, 30, 40, 40], Quantiles.Of([40, 10, 30, 20], Quantiles.Default));
        Assert.Equal([1, 2, 3, 4, 5], Quantiles.Of([5, 4, 3, 2, 1], Quantiles.Default));
        Assert.Equal([7, 7, 7, 7, 7], Quantiles.Of([7], Quantiles.Default));
        Assert.Empty(Quantiles.Of([], Quantiles.Default));
    }
}

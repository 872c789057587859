using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dataflow.Ui.Hosting;

/// <summary>
/// Kestrel serving <see cref="UiEndpoints"/> for one <see cref="IAppSource"/> on the first free port from
/// <c>port</c> to <c>port + retries</c> (port 0: any free port). Nothing is logged to the console: the caller prints
/// the URL.
/// </summary>
internal sealed class UiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private UiServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Where the UI answers, e.g. <c>http://127.0.0.1:4040/</c>.</summary>
    public Uri Url { get; }

    /// <param name="source">What it shows.</param>
    /// <param name="history">Whether it is the history server (application list at the root).</param>
    /// <param name="host">The address to listen on.</param>
    /// <param name="port">The first port tried; 0 for any.</param>
    /// <param name="retries">How many following ports are tried when one is taken.</param>
    /// <param name="handleCtrlC">Whether Ctrl-C and SIGTERM stop the server (the history server); a driver handles them itself.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="IOException">Every port tried is taken; the message names the range and the option.</exception>
    public static async Task<UiServer> StartAsync(IAppSource source, bool history, string host, int port, int retries,
        bool handleCtrlC, CancellationToken cancellationToken)
    {
        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
        var last = port == 0 ? 0 : Math.Min(port + retries, 65535);
        for (var candidate = port; candidate <= last; candidate++)
        {
            var app = Build(source, history, address, candidate, handleCtrlC);
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await app.DisposeAsync().ConfigureAwait(false);
                continue;
            }

            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new UiServer(app, new Uri(bound.EndsWith('/') ? bound : bound + "/"));
        }

        throw new IOException(
            $"Ports {port} to {last} on {host} are all in use; choose another with --ui-port (Dataflow:Ui:Port) or --port, or 0 for any free port.");
    }

    /// <summary>Completes when the server stops (Ctrl-C for the history server).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static WebApplication Build(IAppSource source, bool history, IPAddress address, int port, bool handleCtrlC)
    {
        // No appsettings, environment or command-line configuration: the UI's settings are Dataflow:Ui keys.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(address, port));
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        if (!handleCtrlC)
        {
            builder.Services.AddSingleton<IHostLifetime, NoConsoleLifetime>();
        }

        var app = builder.Build();
        app.UseRouting();
        UiEndpoints.Map(app, source, history);
        return app;
    }

    /// <summary>A lifetime that leaves Ctrl-C to the driver program (which cancels its job and then disposes the UI).</summary>
    private sealed class NoConsoleLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

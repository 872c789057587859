using System.Net;
using Dataflow.Cluster;
using Dataflow.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Dataflow.Worker;

/// <summary>Hosts one worker silo until SIGTERM or Ctrl-C.</summary>
internal static class WorkerHost
{
    /// <summary>Exit code when the silo cannot start or stop cleanly.</summary>
    public const int FailedExitCode = 1;

    // Scripts wait for this prefix on standard error (cluster-config/local-cluster.sh).
    private const string ReadyPrefix = "dataflow-worker ready";

    /// <summary>Starts the silo, announces it on standard error, and runs until asked to stop.</summary>
    /// <param name="options">Validated options; <c>Dataflow:Worker</c> and <c>Dataflow:Executor</c> are used.</param>
    /// <param name="primary">The primary silo's endpoint; null when this silo is the primary.</param>
    /// <returns>The process exit code: 0 after a graceful shutdown, 1 when the silo failed.</returns>
    public static async Task<int> RunAsync(DataflowOptions options, IPEndPoint? primary)
    {
        // Not disposed when the start fails: disposing a silo that never joined waits out its shutdown (12 s and more
        // with an unreachable Redis), and the process exits at once anyway.
        var host = Build(options, primary);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Dataflow.Worker");
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            WorkerLog.StartFailed(logger, e);
            await Console.Error.WriteLineAsync($"Dataflow.Worker: the silo failed to start: {e.Message}").ConfigureAwait(false);
            return FailedExitCode;
        }

        using var started = host;

        var details = host.Services.GetRequiredService<ILocalSiloDetails>();
        var silo = details.SiloAddress.Endpoint.ToString();
        var gateway = details.GatewayAddress?.Endpoint.ToString() ?? "none";
        WorkerLog.Started(logger, silo, gateway, options.Worker.ClusterId, options.Cluster.Membership == ClusterMembership.Redis ? $"none (membership in Redis at {options.Cluster.RedisConnection})" : primary?.ToString() ?? "none (this silo is the primary)",
            DescribeExecutor(options), options.Worker.LocalDirectory ?? "default ($TMPDIR/dataflow/worker-<silo port>)");
        if (WorkerMembership.HasKey(options))
        {
            WorkerLog.KeyRequired(logger);
        }
        else
        {
            WorkerLog.NoKey(logger, silo);
        }

        // Not a log record: a fixed line scripts can wait for, whatever the log format.
        await Console.Error.WriteLineAsync($"{ReadyPrefix} pid={Environment.ProcessId} silo={silo} gateway={gateway}")
            .ConfigureAwait(false);

        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        using var onStopping = lifetime.ApplicationStopping.Register(() => WorkerLog.Stopping(logger, silo));
        try
        {
            // Returns once SIGTERM, SIGINT or SIGQUIT (ConsoleLifetime) has stopped the host.
            await host.WaitForShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            WorkerLog.StopFailed(logger, e);
            await Console.Error.WriteLineAsync($"Dataflow.Worker: the silo did not shut down cleanly: {e.Message}").ConfigureAwait(false);
            return FailedExitCode;
        }

        WorkerLog.Stopped(logger, silo);
        return 0;
    }

    private static IHost Build(DataflowOptions options, IPEndPoint? primary)
    {
        // No default sources: the worker's settings come from DataflowConfiguration only, and an appsettings.json or
        // command-line provider must not reinterpret its arguments. Only Logging:* is read from the environment.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables();
        ConfigureLogging(builder.Logging, builder.Configuration.GetSection("Logging"));
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        // Leave time for Orleans to hand over activations and mark this silo dead in the table; the script waits
        // longer than this before it sends SIGKILL.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.UseOrleans(siloBuilder =>
        {
            WorkerMembership.Configure(siloBuilder, options, primary);
            siloBuilder.Configure<ClusterMembershipOptions>(MembershipTuning.Configure);
            siloBuilder.AddDataflowWorker(options);
            if (Dataflow.Cluster.Security.ClusterTls.Load(options.Cluster) is { } certificate)
            {
                Dataflow.Cluster.Security.ClusterTls.UseDataflowTls(siloBuilder, certificate);
            }
            Dataflow.MLlib.Cluster.ParameterServerSiloExtensions.AddParameterServer(siloBuilder);
        });
        return builder.Build();
    }

    private static void ConfigureLogging(ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Orleans", LogLevel.Warning);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        // Polly logs "Resilience pipeline executed" at information on every grain placement.
        logging.AddFilter("Polly", LogLevel.Warning);
        // The watchdog warns that its first heartbeat was late while the silo is still starting (JIT, first GCs): a
        // false alarm on every start; a stalled silo shows up as lost membership anyway.
        logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        // After the filters above, so that e.g. Logging__LogLevel__Orleans=Information in the environment wins.
        logging.AddConfiguration(configuration);
        // Everything to standard error: standard output carries results only, and a worker has none.
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
    }

    private static string DescribeExecutor(DataflowOptions options)
    {
        if (!options.Worker.HostsExecutor)
        {
            return "none (membership only)";
        }

        var slots = options.Executor.Cores == 0
            ? $"{Environment.ProcessorCount} slots (processor count)"
            : $"{options.Executor.Cores} slots";
        return $"{slots}, memory {options.Executor.Memory}";
    }
}

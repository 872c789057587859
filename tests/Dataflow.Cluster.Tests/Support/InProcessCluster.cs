using Dataflow.Configuration;
using Orleans.TestingHost;

namespace Dataflow.Cluster.Tests.Support;

/// <summary>
/// An in-process Orleans cluster of worker silos, each with its own executor and local directory; one per test run
/// (<see cref="SharedCluster"/>), as starting one costs about two seconds.
/// </summary>
public sealed class InProcessCluster(string name = "shared", Action<Orleans.Hosting.ISiloBuilder>? configure = null, Action<DataflowOptions>? configureOptions = null, bool parameterServer = false, Action<Orleans.Hosting.IClientBuilder>? configureClient = null)
    : IAsyncLifetime
{
    public const int Workers = 2;

    public const int SlotsPerWorker = 2;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dataflow-cluster-tests", Guid.NewGuid().ToString("N")[..12]);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The master URL that connects a context to this cluster.</summary>
    public string Master { get; } = $"orleans://{name}:1";

    public string Root => _root;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(Workers);
        builder.ConfigureSilo((silo, siloBuilder) =>
        {
            var options = new DataflowOptions();
            options.Executor.Cores = SlotsPerWorker;
            options.Executor.Memory = ByteSize.FromMiB(256);
            options.Worker.LocalDirectory = Path.Combine(_root, silo.SiloName);
            configureOptions?.Invoke(options);
            siloBuilder.AddDataflowWorker(options);
            if (parameterServer)
            {
                // The shard resolver is one per process (a worker process has one silo); in this test process only the
                // shared cluster sets it, so a cluster started and stopped by another test cannot take it over.
                Dataflow.MLlib.Cluster.ParameterServerSiloExtensions.AddParameterServer(siloBuilder);
            }

            configure?.Invoke(siloBuilder);
        });
        if (configureClient is not null)
        {
            builder.ConfigureClient(configureClient);
        }

        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Driver.OrleansBackendFactory.TestClients[Master] = Cluster.Client;
    }

    public async ValueTask DisposeAsync()
    {
        Driver.OrleansBackendFactory.TestClients.TryRemove(Master, out _);
        await Cluster.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

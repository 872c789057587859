using Dataflow.Configuration;
using Dataflow.Tests.Support;

namespace Dataflow.Cluster.Tests.Support;

/// <summary>
/// One in-process cluster for the whole test run, started by the first fixture that needs it (the linked engine suite
/// has a fixture per class; a cluster per class would cost seconds each). Stopped when the test process exits.
/// </summary>
internal static class SharedCluster
{
    private static readonly Lazy<Task<InProcessCluster>> s_cluster = new(StartCoreAsync);

    /// <summary>The URL the backend maps to the in-process cluster's client (no gateway of that name is contacted).</summary>
    public const string Master = "orleans://shared:1";

    public static Task<InProcessCluster> StartAsync() => s_cluster.Value;

    /// <summary>A context on the shared cluster, with a recorder of its events; the caller disposes the context.</summary>
    public static async Task<(DataflowContext Context, EventRecorder Recorder)> NewContextAsync(Action<DataflowOptions>? configure = null)
    {
        await StartAsync();
        var options = new DataflowOptions { Master = Master };
        configure?.Invoke(options);
        var context = new DataflowContext(options);
        var recorder = new EventRecorder();
        context.Listeners.Add(recorder);
        return (context, recorder);
    }

    private static async Task<InProcessCluster> StartCoreAsync()
    {
        var cluster = new InProcessCluster(parameterServer: true);
        await cluster.InitializeAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return cluster;
    }
}

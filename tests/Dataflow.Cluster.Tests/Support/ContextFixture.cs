using Dataflow.Cluster.Tests.Support;
using Dataflow.Configuration;

namespace Dataflow.Tests.Support;

/// <summary>
/// The engine suite's fixture, compiled into the cluster tests: the same differential tests (linked from
/// tests/Dataflow.Engine.Tests) run against a context whose tasks run on the shared in-process cluster's workers,
/// so every operator's closures, records, shuffle fetches and placement go through the cluster path.
/// </summary>
public sealed class ContextFixture : IAsyncLifetime
{
    public DataflowContext Context { get; private set; } = null!;

    public EventRecorder Recorder { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await SharedCluster.StartAsync();
        Context = new DataflowContext(new DataflowOptions { Master = SharedCluster.Master });
        Context.Listeners.Add(Recorder);
    }

    /// <summary>Delivers every pending event, then forgets all of them.</summary>
    public async Task ResetEventsAsync()
    {
        await Context.Listeners.FlushAsync();
        Recorder.Clear();
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}

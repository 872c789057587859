namespace Dataflow.Tests.Support;

/// <summary>One local[2] context shared by a test class, with an event recorder attached.</summary>
public sealed class ContextFixture : IAsyncLifetime
{
    public DataflowContext Context { get; private set; } = null!;

    public EventRecorder Recorder { get; } = new();

    public ValueTask InitializeAsync()
    {
        Context = new DataflowContext("local[2]");
        Context.Listeners.Add(Recorder);
        return ValueTask.CompletedTask;
    }

    /// <summary>Delivers every pending event, then forgets all of them.</summary>
    public async Task ResetEventsAsync()
    {
        await Context.Listeners.FlushAsync();
        Recorder.Clear();
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}

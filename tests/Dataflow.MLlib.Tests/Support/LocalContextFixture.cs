namespace Dataflow.MLlib.Tests.Support;

/// <summary>One local[2] context shared by a test class.</summary>
public sealed class LocalContextFixture : IAsyncLifetime
{
    public DataflowContext Context { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Context = new DataflowContext("local[2]");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}

using Dataflow.Scheduling;

namespace Dataflow.MLlib.Tests.Evaluation;

/// <summary>One <c>local[2]</c> context per test class, with a count of the jobs it ran.</summary>
public sealed class LocalContextFixture : IAsyncLifetime
{
    private readonly JobCounter _jobs = new();

    public DataflowContext Context { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Context = new DataflowContext("local[2]");
        Context.Listeners.Add(_jobs);
        return ValueTask.CompletedTask;
    }

    /// <summary>Jobs started so far, once every pending event has been delivered.</summary>
    public async Task<int> JobsStartedAsync()
    {
        await Context.Listeners.FlushAsync();
        return _jobs.Started;
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();

    private sealed class JobCounter : IDataflowListener
    {
        private int _started;

        public int Started => Volatile.Read(ref _started);

        public void OnEvent(DataflowEvent e)
        {
            if (e is JobStartEvent)
            {
                Interlocked.Increment(ref _started);
            }
        }
    }
}

using Dataflow.Scheduling;

namespace Dataflow.MLlib.Tests.Support;

/// <summary>Counts the jobs a context starts.</summary>
public sealed class JobCounter : IDataflowListener
{
    private int _jobs;

    /// <summary>
    /// Attaches a counter once the events already posted have been delivered: the bus is asynchronous, so a counter
    /// added right after an action would still receive that action's job events.
    /// </summary>
    public static async Task<JobCounter> AttachAsync(DataflowContext context)
    {
        await context.Listeners.FlushAsync();
        var counter = new JobCounter();
        context.Listeners.Add(counter);
        return counter;
    }

    public int Jobs => Volatile.Read(ref _jobs);

    public void OnEvent(DataflowEvent e)
    {
        if (e is JobStartEvent)
        {
            Interlocked.Increment(ref _jobs);
        }
    }
}

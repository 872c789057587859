using Dataflow.Scheduling;

namespace Dataflow.MLlib.Tests.Support;

/// <summary>Counts the jobs a context starts.</summary>
public sealed class JobCounter : IDataflowListener
{
    private int _jobs;

    public int Jobs => Volatile.Read(ref _jobs);

    public void OnEvent(DataflowEvent e)
    {
        if (e is JobStartEvent)
        {
            Interlocked.Increment(ref _jobs);
        }
    }
}

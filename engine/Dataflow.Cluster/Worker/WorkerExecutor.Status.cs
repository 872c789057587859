using System.Diagnostics;
using Dataflow.Cluster.Grains;

namespace Dataflow.Cluster.Worker;

/// <summary>What <c>dataflow workers</c> shows: counters kept beside the executor's work, read without locks.</summary>
internal sealed partial class WorkerExecutor
{
    private static readonly DateTime s_processStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
    private int _runningTasks;

    /// <summary>Task attempts holding a slot now, all applications together (<see cref="RunningTasks"/> also counts those waiting for one).</summary>
    public int TasksOnSlots => Volatile.Read(ref _runningTasks);

    /// <summary>The worker's status now: slots, memory, running tasks, stored shuffle bytes, applications, uptime.</summary>
    public WorkerStatus Status()
    {
        var applications = _applications.Where(a => a.Value.IsValueCreated).Select(a => a.Key).Order(StringComparer.Ordinal).ToArray();
        return new WorkerStatus(
            Address,
            ExecutorId,
            Build,
            Slots,
            TasksOnSlots,
            Memory.ExecutionUsed + Memory.StorageUsed,
            Memory.MaxMemory,
            ShuffleBytes(),
            applications,
            DateTime.UtcNow - s_processStart);
    }

    private void TaskStarted() => Interlocked.Increment(ref _runningTasks);

    private void TaskEnded() => Interlocked.Decrement(ref _runningTasks);

    /// <summary>The bytes of every application's shuffle files (<c>apps/&lt;id&gt;/shuffle</c>), read from the disk.</summary>
    private long ShuffleBytes()
    {
        var apps = Path.Combine(Directory, "apps");
        long total = 0;
        try
        {
            foreach (var shuffle in System.IO.Directory.EnumerateDirectories(apps).Select(d => Path.Combine(d, "shuffle")).Where(System.IO.Directory.Exists))
            {
                foreach (var file in new DirectoryInfo(shuffle).EnumerateFiles("*", SearchOption.AllDirectories))
                {
                    try
                    {
                        total += file.Length;
                    }
                    catch (FileNotFoundException)
                    {
                        // Removed meanwhile (a shuffle or an application was dropped).
                    }
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // No application has written anything yet, or the last one was removed meanwhile.
        }

        return total;
    }
}

namespace Dataflow.Scheduling.Backends;

/// <summary>
/// A blocking queue that serves groups round-robin and, within a group, jobs round-robin: each take comes from the
/// next group with pending tasks and that group's next job, so a job with thousands of queued tasks cannot starve a
/// small job submitted after it from another thread, and on a cluster worker (one group per application, as job ids
/// are per driver) an application with many tasks or jobs cannot starve another application.
/// </summary>
internal sealed class FairTaskQueue<T>
{
    private readonly object _gate = new();
    private readonly Dictionary<object, Group> _groups = new(ReferenceEqualityComparer.Instance);
    private readonly LinkedList<object> _turns = new();
    private bool _completed;

    /// <summary>The group of tasks added without one (local mode: the driver's only application).</summary>
    private static readonly object s_defaultGroup = new();

    public void Add(int jobId, T item) => Add(s_defaultGroup, jobId, item);

    /// <summary>Queues <paramref name="item"/> for job <paramref name="jobId"/> of <paramref name="group"/> (compared by reference).</summary>
    public void Add(object group, int jobId, T item)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            if (!_groups.TryGetValue(group, out var jobs))
            {
                jobs = new Group();
                _groups.Add(group, jobs);
                _turns.AddLast(group);
            }

            if (!jobs.ByJob.TryGetValue(jobId, out var queue))
            {
                queue = new Queue<T>();
                jobs.ByJob.Add(jobId, queue);
                jobs.Turns.AddLast(jobId);
            }

            queue.Enqueue(item);
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Waits for the next item; false once the queue is completed and empty.</summary>
    public bool TryTake(out T item)
    {
        // Cleared before waiting: an idle executor thread must not keep its last task (and the job's lineage) alive.
        item = default!;
        lock (_gate)
        {
            while (_turns.Count == 0)
            {
                if (_completed)
                {
                    return false;
                }

                Monitor.Wait(_gate);
            }

            var group = _turns.First!.Value;
            _turns.RemoveFirst();
            var jobs = _groups[group];
            var jobId = jobs.Turns.First!.Value;
            jobs.Turns.RemoveFirst();
            var queue = jobs.ByJob[jobId];
            item = queue.Dequeue();
            if (queue.Count > 0)
            {
                jobs.Turns.AddLast(jobId);
            }
            else
            {
                jobs.ByJob.Remove(jobId);
            }

            if (jobs.Turns.Count > 0)
            {
                _turns.AddLast(group);
            }
            else
            {
                _groups.Remove(group);
            }

            return true;
        }
    }

    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    private sealed class Group
    {
        public Dictionary<int, Queue<T>> ByJob { get; } = [];

        public LinkedList<int> Turns { get; } = new();
    }
}

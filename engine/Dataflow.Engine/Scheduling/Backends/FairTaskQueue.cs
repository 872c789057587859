namespace Dataflow.Scheduling.Backends;

/// <summary>
/// A blocking queue that serves jobs round-robin: each take comes from the next job with pending tasks, so a job
/// with thousands of queued tasks cannot starve a small job submitted after it from another thread.
/// </summary>
internal sealed class FairTaskQueue<T>
{
    private readonly object _gate = new();
    private readonly Dictionary<int, Queue<T>> _byJob = [];
    private readonly LinkedList<int> _turns = new();
    private bool _completed;

    public void Add(int jobId, T item)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            if (!_byJob.TryGetValue(jobId, out var queue))
            {
                queue = new Queue<T>();
                _byJob.Add(jobId, queue);
                _turns.AddLast(jobId);
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

            var jobId = _turns.First!.Value;
            _turns.RemoveFirst();
            var queue = _byJob[jobId];
            item = queue.Dequeue();
            if (queue.Count > 0)
            {
                _turns.AddLast(jobId);
            }
            else
            {
                _byJob.Remove(jobId);
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
}

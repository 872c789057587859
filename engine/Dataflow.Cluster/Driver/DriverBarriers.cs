using Dataflow.Execution;

namespace Dataflow.Cluster.Driver;

/// <summary>
/// The barriers of barrier stages whose tasks run on workers: each launch (stage, stage attempt, epoch) counts, per
/// round, which partitions have arrived, and releases the round once all of its tasks have. Arrivals are idempotent (a
/// worker that asks again after a timed-out wait is not counted twice). A stage attempt's launches are dropped when
/// its tasks have all ended.
/// </summary>
/// <remarks>Spark: BarrierCoordinator (on the driver).</remarks>
internal sealed class DriverBarriers
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(int Stage, int Attempt, int Epoch), Launch> _launches = [];

    /// <summary>Launches tracked now (for tests: none once their stages have ended).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _launches.Count;
            }
        }
    }

    /// <summary>Records the arrival; completes when every task of the launch has arrived at the same round.</summary>
    public Task ArriveAsync(BarrierArrival arrival)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(arrival.NumTasks);
        lock (_lock)
        {
            var key = (arrival.StageId, arrival.StageAttempt, arrival.Epoch);
            if (!_launches.TryGetValue(key, out var launch))
            {
                launch = new Launch(arrival.NumTasks);
                _launches.Add(key, launch);
            }

            if (launch.NumTasks != arrival.NumTasks)
            {
                throw new InvalidOperationException(
                    $"Barrier of stage {arrival.StageId} attempt {arrival.StageAttempt}: partition {arrival.PartitionId} says {arrival.NumTasks} tasks, the launch has {launch.NumTasks}.");
            }

            // Rounds release in order (a task reaches round r only after r - 1 was released), so released rounds need
            // no record of their own.
            if (arrival.Round < launch.Released)
            {
                return Task.CompletedTask;
            }

            if (!launch.Pending.TryGetValue(arrival.Round, out var round))
            {
                round = (new HashSet<int>(), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                launch.Pending.Add(arrival.Round, round);
            }

            if (round.Arrived.Add(arrival.PartitionId) && round.Arrived.Count == launch.NumTasks)
            {
                launch.Pending.Remove(arrival.Round);
                launch.Released = Math.Max(launch.Released, arrival.Round + 1);
                round.Released.TrySetResult();
            }

            return round.Released.Task;
        }
    }

    /// <summary>Drops the launches of a stage attempt whose tasks have all ended.</summary>
    public void RemoveStageAttempt(int stageId, int stageAttempt)
    {
        lock (_lock)
        {
            foreach (var key in _launches.Keys.Where(k => k.Stage == stageId && k.Attempt == stageAttempt).ToList())
            {
                _launches.Remove(key);
            }
        }
    }

    private sealed class Launch(int numTasks)
    {
        public int NumTasks { get; } = numTasks;

        /// <summary>Rounds below this have been released.</summary>
        public int Released { get; set; }

        public Dictionary<int, (HashSet<int> Arrived, TaskCompletionSource Released)> Pending { get; } = [];
    }
}

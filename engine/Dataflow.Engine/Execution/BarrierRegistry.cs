namespace Dataflow.Execution;

/// <summary>
/// An executor's barrier coordinators, one per launch of a barrier stage (stage, stage attempt, epoch), created by
/// the first of its tasks to start and dropped when the last of them ends.
/// </summary>
internal sealed class BarrierRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(int Stage, int StageAttempt, int Epoch), BarrierCoordinator> _coordinators = [];

    /// <summary>Launches with a coordinator now (for tests: none may be left behind).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _coordinators.Count;
            }
        }
    }

    public BarrierCoordinator Join((int Stage, int StageAttempt, int Epoch) launch, int numTasks)
    {
        lock (_lock)
        {
            if (!_coordinators.TryGetValue(launch, out var coordinator))
            {
                coordinator = new BarrierCoordinator(numTasks);
                _coordinators.Add(launch, coordinator);
            }

            coordinator.Users++;
            return coordinator;
        }
    }

    public void Leave((int Stage, int StageAttempt, int Epoch) launch)
    {
        lock (_lock)
        {
            if (_coordinators.TryGetValue(launch, out var coordinator) && --coordinator.Users == 0)
            {
                _coordinators.Remove(launch);
            }
        }
    }
}

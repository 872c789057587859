namespace Dataflow.Scheduling;

/// <summary>One all-at-once launch of a barrier task set: every task of it waits for the others at a barrier.</summary>
/// <param name="NumTasks">Tasks launched together.</param>
/// <param name="Epoch">Which launch of the set this is (0 first; a failure relaunches the whole set with the next).</param>
internal sealed record BarrierLaunch(int NumTasks, int Epoch);

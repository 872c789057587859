using Dataflow.Execution;

namespace Dataflow.Scheduling;

/// <summary>
/// A set of tasks, one per partition of <see cref="Rdd"/>, that run the same pipelined narrow operators and end at a
/// shuffle boundary (<see cref="ShuffleMapStage"/>) or at the action (<see cref="ResultStage"/>).
/// </summary>
internal abstract class Stage(int id, RddBase rdd, IReadOnlyList<ShuffleMapStage> parents, CallSite callSite)
{
    private int _nextAttempt;

    public int Id { get; } = id;

    public RddBase Rdd { get; } = rdd;

    public IReadOnlyList<ShuffleMapStage> Parents { get; } = parents;

    public CallSite CallSite { get; } = callSite;

    public int NewAttempt() => Interlocked.Increment(ref _nextAttempt) - 1;

    /// <summary>How many attempts were started; a stage created anew for the same shuffle continues from there.</summary>
    public int Attempts
    {
        get => Volatile.Read(ref _nextAttempt);
        init => _nextAttempt = value;
    }

    public abstract StageTask CreateTask(int partition);

    public StageInfo Info(int attempt, int numTasks) =>
        new(Id, attempt, CallSite, numTasks, (this as ShuffleMapStage)?.Dependency.ShuffleId, [.. Parents.Select(p => p.Id)])
        {
            Rdds = [.. Dependencies.Lineage.Walk(Rdd, acrossShuffles: false).OrderBy(r => r.Id).Select(RddInfo.Of)],
        };
}

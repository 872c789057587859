using Dataflow.Accumulators;
using Dataflow.Execution;

namespace Dataflow.Scheduling;

/// <summary>The outcome of one task attempt: its value or its failure, with metrics.</summary>
/// <param name="Description">The attempt.</param>
/// <param name="Value">The result value (a map status for shuffle map tasks); <c>null</c> on failure.</param>
/// <param name="Error">The failure, or <c>null</c> on success.</param>
/// <param name="Metrics">What the attempt did.</param>
/// <param name="ExecutorId">The executor that ran it.</param>
internal sealed record TaskResult(TaskDescription Description, object? Value, Exception? Error, TaskMetrics Metrics, string ExecutorId)
{
    /// <summary>Whether the attempt succeeded.</summary>
    public bool Succeeded => Error is null;

    /// <summary>The task's private accumulator copies; merged on the driver once per partition and job.</summary>
    public IReadOnlyList<Accumulator> AccumulatorUpdates { get; init; } = [];

    /// <summary>The cached partitions the attempt stored on its executor (the driver records where they are).</summary>
    public IReadOnlyList<Storage.RddBlockId> StoredBlocks { get; init; } = [];
}

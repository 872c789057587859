namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Marks the next stage as a barrier stage: <see cref="RddBarrier{T}.SelectPartitions"/> runs one task per
    /// partition, all launched together (or the job fails at once when the executors cannot run that many at the same
    /// time), each with a <see cref="Execution.BarrierTaskContext"/> whose <c>Barrier()</c> waits for all of them. A
    /// failure of one task kills the others and reruns them all, at most <c>Dataflow:Scheduler:MaxTaskFailures</c>
    /// times; barrier stages are never speculated. In local mode barrier tasks run on threads of their own besides
    /// the <c>local[N]</c> slots, at most <c>max(64, N)</c> at once; on a cluster they take ordinary task slots.
    /// </summary>
    /// <example><code>
    /// var sums = rdd.Barrier().SelectPartitions((context, items) =>
    /// {
    ///     var local = items.Sum();
    ///     context.Barrier(); // every partition has its sum here
    ///     return new[] { local };
    /// });
    /// </code></example>
    /// <remarks>Spark: RDD.barrier</remarks>
    public static RddBarrier<T> Barrier<T>(this Rdd<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new RddBarrier<T>(source);
    }
}

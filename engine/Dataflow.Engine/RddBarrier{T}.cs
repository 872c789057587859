using System.Runtime.CompilerServices;
using Dataflow.Execution;
using Dataflow.Rdds;

namespace Dataflow;

/// <summary>An RDD whose next transformation runs as a barrier stage; made by <see cref="Rdd.Barrier{T}"/>.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>Spark: RDDBarrier</remarks>
public sealed class RddBarrier<T>
{
    private readonly Rdd<T> _source;

    internal RddBarrier(Rdd<T> source) => _source = source;

    /// <summary>
    /// Transforms each partition as a whole in a barrier stage: <paramref name="selector"/> receives the task's
    /// <see cref="BarrierTaskContext"/> and the partition's elements and returns the new ones.
    /// </summary>
    /// <remarks>Spark: RDDBarrier.mapPartitions</remarks>
    public Rdd<TResult> SelectPartitions<TResult>(Func<BarrierTaskContext, IEnumerable<T>, IEnumerable<TResult>> selector,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var callSite = new CallSite("Barrier.SelectPartitions", callerFile, callerLine);
        Func<TaskContext, int, IEnumerable<T>, IEnumerable<TResult>> func = (context, _, items) => selector(BarrierTaskContext.For(context), items);
        Serialization.Closures.ClosureChecker.Shared.Check(func, callSite);
        return new MapPartitionsRdd<T, TResult>(_source, func, preservesPartitioning: false, callSite, isBarrier: true);
    }
}

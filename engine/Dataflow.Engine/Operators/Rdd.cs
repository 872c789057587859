using Dataflow.Execution;
using Dataflow.Partitioning;
using Dataflow.Rdds;

namespace Dataflow;

/// <summary>
/// The operators and actions of <see cref="Rdd{T}"/>, one family per file, as LINQ's <c>Enumerable</c>.
/// Transformations validate their arguments at once and run nothing; actions (<c>...Async</c>) run a job.
/// Every method captures its call site for errors, <c>Explain()</c> and events.
/// </summary>
public static partial class Rdd
{
    /// <summary>A narrow transformation that applies <paramref name="func"/> to each partition's iterator.</summary>
    internal static Rdd<TResult> Narrow<T, TResult>(
        Rdd<T> source,
        Func<TaskContext, int, IEnumerable<T>, IEnumerable<TResult>> func,
        bool preservesPartitioning,
        string operation,
        string callerFile,
        int callerLine)
    {
        ArgumentNullException.ThrowIfNull(source);
        var callSite = new CallSite(operation, callerFile, callerLine);
        // Checked in local mode too, so that code which works locally also works on a cluster.
        Serialization.Closures.ClosureChecker.Shared.Check(func, callSite);
        return new MapPartitionsRdd<T, TResult>(source, func, preservesPartitioning, callSite);
    }

    /// <summary>
    /// Rejects a lambda that returns a task (an <c>async</c> lambda given to a synchronous operator): its records would
    /// be unawaited tasks. The message points at the <c>...Async</c> overloads.
    /// </summary>
    internal static void RejectAsyncResult<TResult>(string operation, string callerFile, int callerLine)
    {
        var type = typeof(TResult);
        if (typeof(Task).IsAssignableFrom(type) || type == typeof(ValueTask) ||
            (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            throw new ArgumentException(
                $"{new CallSite(operation, callerFile, callerLine)}: the function returns {type.Name}, so the records would be unawaited tasks. " +
                $"Use {operation}Async, which awaits async functions with bounded concurrency per task.");
        }
    }

    /// <summary>
    /// The partitioner a by-key operation uses when not told one: the partitioner of an input that has one (the one
    /// with most partitions), so that co-partitioned inputs need no shuffle; otherwise hashing into as many
    /// partitions as the largest input.
    /// </summary>
    internal static Partitioner DefaultPartitioner(params RddBase[] rdds)
    {
        var existing = rdds.Where(r => r.Partitioner is not null).MaxBy(r => r.Partitioner!.NumPartitions)?.Partitioner;
        return existing ?? new HashPartitioner(Math.Max(1, rdds.Max(r => r.NumPartitions)));
    }
}

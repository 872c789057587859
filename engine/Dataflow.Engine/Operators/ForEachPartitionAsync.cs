using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>Runs <paramref name="action"/> on each partition's elements, in the tasks (for side effects such as writing to a store).</summary>
    /// <remarks>Spark: foreachPartition</remarks>
    public static Task ForEachPartitionAsync<T>(this Rdd<T> source, Action<IEnumerable<T>> action, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(action);
        return source.Context.RunJobAsync(source, (_, items) =>
        {
            action(items);
            return true;
        }, null, static (_, _) => { }, new CallSite(nameof(ForEachPartitionAsync), callerFile, callerLine), cancellationToken);
    }

    /// <summary>Runs <paramref name="action"/> on each element, in the tasks.</summary>
    /// <remarks>Spark: foreach</remarks>
    public static Task ForEachAsync<T>(this Rdd<T> source, Action<T> action, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(action);
        return source.ForEachPartitionAsync(items =>
        {
            foreach (var item in items)
            {
                action(item);
            }
        }, cancellationToken, callerFile, callerLine);
    }
}

using System.Runtime.CompilerServices;
using Dataflow.Dependencies;
using Dataflow.Partitioning;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Redistributes the elements evenly over <paramref name="numPartitions"/> partitions with a shuffle (each input
    /// partition deals its elements round-robin, starting at a position derived from its index).
    /// </summary>
    /// <remarks>Spark: repartition</remarks>
    public static Rdd<T> Repartition<T>(this Rdd<T> source, int numPartitions,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numPartitions);
        var dealt = Narrow(source, (_, index, items) => Deal(items, index, numPartitions), false, nameof(Repartition), callerFile, callerLine);
        var dependency = new ShuffleDependency<int, T, T>(dealt, new DirectPartitioner(numPartitions), null, false, null);
        var shuffled = new ShuffledRdd<int, T>(dependency, new CallSite(nameof(Repartition), callerFile, callerLine));
        return Narrow(shuffled, (_, _, items) => items.Select(kv => kv.Value), false, nameof(Repartition), callerFile, callerLine);
    }

    private static IEnumerable<(int Key, T Value)> Deal<T>(IEnumerable<T> items, int partitionIndex, int numPartitions)
    {
        var target = new Random(partitionIndex).Next(numPartitions);
        foreach (var item in items)
        {
            yield return (target, item);
            target = target + 1 == numPartitions ? 0 : target + 1;
        }
    }
}

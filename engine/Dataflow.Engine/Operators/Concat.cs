using System.Runtime.CompilerServices;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>The elements of both RDDs, duplicates kept, without a shuffle: the partitions of <paramref name="first"/> then those of <paramref name="second"/>.</summary>
    /// <remarks>Spark: union</remarks>
    public static Rdd<T> Concat<T>(this Rdd<T> first, Rdd<T> second,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return new UnionRdd<T>(first.Context, [first, second], new CallSite(nameof(Concat), callerFile, callerLine));
    }
}

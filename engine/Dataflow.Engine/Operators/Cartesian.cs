using System.Runtime.CompilerServices;
using Dataflow.Rdds;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Every pair of an element of <paramref name="first"/> and an element of <paramref name="second"/>, without a
    /// shuffle: the result has one partition per pair of input partitions (their counts multiplied). Each task holds
    /// one partition of <paramref name="second"/> in memory. The size of the result is the product of the inputs'.
    /// </summary>
    /// <example><code>var pairs = points.Cartesian(centres); // (point, centre) for every combination</code></example>
    /// <remarks>Spark: cartesian</remarks>
    public static Rdd<(TFirst First, TSecond Second)> Cartesian<TFirst, TSecond>(this Rdd<TFirst> first, Rdd<TSecond> second,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return new CartesianRdd<TFirst, TSecond>(first, second, new CallSite(nameof(Cartesian), callerFile, callerLine));
    }
}

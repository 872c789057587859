using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>Keeps the elements for which <paramref name="predicate"/> is true; keeps the partitioner.</summary>
    /// <example><code>var errors = lines.Where(line => line.StartsWith("ERROR"));</code></example>
    /// <remarks>Spark: filter</remarks>
    public static Rdd<T> Where<T>(this Rdd<T> source, Func<T, bool> predicate,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Narrow(source, (_, _, items) => items.Where(predicate), true, nameof(Where), callerFile, callerLine);
    }
}

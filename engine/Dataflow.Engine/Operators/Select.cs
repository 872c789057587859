using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>Projects each element with <paramref name="selector"/>.</summary>
    /// <example><code>var lengths = lines.Select(line => line.Length);</code></example>
    /// <remarks>Spark: map</remarks>
    public static Rdd<TResult> Select<T, TResult>(this Rdd<T> source, Func<T, TResult> selector,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        RejectAsyncResult<TResult>(nameof(Select), callerFile, callerLine);
        return Narrow(source, (_, _, items) => items.Select(selector), false, nameof(Select), callerFile, callerLine);
    }
}

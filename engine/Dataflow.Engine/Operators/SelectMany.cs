using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>Maps each element to a sequence and flattens the sequences.</summary>
    /// <example><code>var words = lines.SelectMany(line => line.Split(' '));</code></example>
    /// <remarks>Spark: flatMap</remarks>
    public static Rdd<TResult> SelectMany<T, TResult>(this Rdd<T> source, Func<T, IEnumerable<TResult>> selector,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return Narrow(source, (_, _, items) => items.SelectMany(selector), false, nameof(SelectMany), callerFile, callerLine);
    }

    /// <summary>
    /// Maps each element to a sequence and projects each (element, item) pair: the form C# query syntax uses for a
    /// second <c>from</c> clause.
    /// </summary>
    /// <example><code>var pairs = from line in lines from word in line.Split(' ') select (word, line.Length);</code></example>
    /// <remarks>Spark: flatMap</remarks>
    public static Rdd<TResult> SelectMany<T, TCollection, TResult>(this Rdd<T> source,
        Func<T, IEnumerable<TCollection>> collectionSelector, Func<T, TCollection, TResult> resultSelector,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(collectionSelector);
        ArgumentNullException.ThrowIfNull(resultSelector);
        RejectAsyncResult<TResult>(nameof(SelectMany), callerFile, callerLine);
        return Narrow(source, (_, _, items) => items.SelectMany(collectionSelector, resultSelector), false, nameof(SelectMany), callerFile, callerLine);
    }
}

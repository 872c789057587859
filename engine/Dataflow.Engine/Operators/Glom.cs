using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>Each partition's elements as one array (an empty array for an empty partition), in partition order.</summary>
    /// <example><code>var sizes = (await rdd.Glom().ToListAsync()).Select(part => part.Length);</code></example>
    /// <remarks>Spark: glom</remarks>
    public static Rdd<T[]> Glom<T>(this Rdd<T> source, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        Narrow(source, static (_, _, items) => new[] { items.ToArray() }, false, nameof(Glom), callerFile, callerLine);
}

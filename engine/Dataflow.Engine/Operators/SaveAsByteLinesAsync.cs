using System.Runtime.CompilerServices;
using Dataflow.IO;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Writes each element's bytes unchanged, followed by <c>\n</c>, into <c>part-00000</c>, <c>part-00001</c>, ...
    /// (one per partition, in partition order) and <c>_SUCCESS</c> last, through the same atomic commit as
    /// <see cref="SaveAsTextFileAsync{T}"/>: a failed or cancelled job leaves no <c>_SUCCESS</c> and nothing
    /// half-written under <paramref name="path"/>. Nothing is encoded, so lines read with
    /// <see cref="DataflowContext.ByteLines"/> come back byte for byte (plus a final <c>\n</c> if the input lacked
    /// one); an element containing <c>\n</c> reads back as several lines; a <c>null</c> element fails the task. An
    /// existing non-empty directory is an error (<see cref="OutputExistsException"/>) unless <paramref name="overwrite"/>
    /// is set.
    /// </summary>
    /// <example><code>await ctx.ByteLines("in/").OrderBy(l => l, ByteArrayComparer.Instance).SaveAsByteLinesAsync("out/");</code></example>
    /// <remarks>Spark: saveAsTextFile (of Hadoop Text records, unencoded)</remarks>
    public static Task SaveAsByteLinesAsync(this Rdd<byte[]> source, string path, bool overwrite = false,
        CancellationToken cancellationToken = default, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        SaveAsPartFilesAsync(source, path, overwrite, ByteLinePartWriter.Write, new CallSite(nameof(SaveAsByteLinesAsync), callerFile, callerLine), cancellationToken);
}

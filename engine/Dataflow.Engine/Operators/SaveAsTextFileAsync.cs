using System.Runtime.CompilerServices;
using Dataflow.IO;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Writes each element's text (<c>ToString()</c> in the invariant culture, <c>null</c> as <c>"null"</c>) as a
    /// UTF-8 line into <c>part-00000</c>, <c>part-00001</c>, ... (one per partition) and <c>_SUCCESS</c> last, through a
    /// hidden staging directory renamed into place: a failed or cancelled job leaves no <c>_SUCCESS</c> and nothing
    /// half-written under <paramref name="path"/>. An existing non-empty directory is an error
    /// (<see cref="OutputExistsException"/>) unless <paramref name="overwrite"/> is set.
    /// </summary>
    /// <remarks>Spark: saveAsTextFile</remarks>
    public static Task SaveAsTextFileAsync<T>(this Rdd<T> source, string path, bool overwrite = false,
        CancellationToken cancellationToken = default, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        SaveAsPartFilesAsync(source, path, overwrite, TextPartWriter.Write, new CallSite(nameof(SaveAsTextFileAsync), callerFile, callerLine), cancellationToken);
}

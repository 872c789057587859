namespace Dataflow.IO;

/// <summary>
/// A byte range of one input file that one task reads: the lines that <em>start</em> in
/// [<paramref name="Start"/>, <paramref name="Start"/> + <paramref name="Length"/>).
/// </summary>
/// <param name="Path">Full path of the file.</param>
/// <param name="Start">Offset of the first byte of the range.</param>
/// <param name="Length">Number of bytes in the range.</param>
/// <param name="IsWholeFile">
/// The file is read from start to end regardless of the range; set for compressed (<c>.gz</c>) files,
/// which cannot be entered in the middle.
/// </param>
internal sealed record TextSplit(string Path, long Start, long Length, bool IsWholeFile)
{
    /// <summary>Whether the file is gzip-compressed (by its <c>.gz</c> extension, as Hadoop decides).</summary>
    public bool IsGzip => Path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
}

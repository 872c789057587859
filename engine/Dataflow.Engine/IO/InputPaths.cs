namespace Dataflow.IO;

/// <summary>
/// Turns the path a user gives to a text source into the list of files to read.
/// </summary>
/// <remarks>
/// Follows Spark's <c>textFile</c> (Hadoop <c>FileInputFormat</c>): a file is read as is; a directory
/// contributes its files, not its subdirectories' files; a glob (<c>*</c>, <c>?</c>, <c>[abc]</c>,
/// <c>[!abc]</c>, <c>{a,b}</c>, in any segment) contributes every matching file and the files of every
/// matching directory. Files whose names start with <c>_</c> or <c>.</c> are hidden and always skipped
/// (so <c>_SUCCESS</c> and editor droppings in an output directory are not read back as data), as are
/// hidden entries matched by a wildcard. Literal directory segments are never filtered, so
/// <c>/home/me/.cache/x.txt</c> still works.
/// </remarks>
internal static class InputPaths
{
    /// <summary>Lists the files named by <paramref name="path"/>, sorted by full path (ordinal).</summary>
    /// <param name="path">A file, a directory or a glob; relative paths resolve against the current directory.</param>
    /// <returns>The files to read; empty only when an existing directory (or matched directories) hold no visible files.</returns>
    /// <exception cref="FileNotFoundException">The path does not exist, or the pattern matched nothing.</exception>
    public static IReadOnlyList<FileInfo> Expand(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);

        // A literal name wins over a glob reading, so a file really called "data[1].txt" is found.
        if (File.Exists(full))
        {
            if (IsHidden(Path.GetFileName(full)))
            {
                throw new FileNotFoundException(
                    $"Input path '{full}' names a hidden file: names starting with '_' or '.' are skipped as " +
                    "Spark does (they mark metadata such as _SUCCESS). Rename the file to read it.", full);
            }

            return [new FileInfo(full)];
        }

        if (Directory.Exists(full))
        {
            return Sorted(FilesOf(full));
        }

        if (!PathGlob.IsPattern(path))
        {
            throw new FileNotFoundException(
                $"Input path '{full}' does not exist: looked for a file or a directory of that name{Resolved(path)}.",
                full);
        }

        var matches = PathGlob.Match(path);
        if (matches.Count == 0)
        {
            throw new FileNotFoundException(
                $"Input path '{full}' matched no files: looked for files and directories matching the pattern " +
                $"(names starting with '_' or '.' are skipped){Resolved(path)}.", full);
        }

        var files = new List<FileInfo>();
        foreach (string match in matches)
        {
            if (Directory.Exists(match))
            {
                files.AddRange(FilesOf(match));
            }
            else
            {
                files.Add(new FileInfo(match));
            }
        }

        return Sorted(files);
    }

    /// <summary>
    /// The length of the file's content, following symbolic links: a link's own length is that of the path it holds,
    /// so splitting by it would read a few bytes of the target and drop the rest without a word.
    /// </summary>
    public static long LengthOf(FileInfo file) =>
        file.LinkTarget is null ? file.Length : ((FileInfo?)file.ResolveLinkTarget(returnFinalTarget: true))?.Length ?? 0;

    /// <summary>Whether a file or directory name marks metadata that readers skip.</summary>
    public static bool IsHidden(string name) =>
        name.Length > 0 && (name[0] == '_' || name[0] == '.');

    private static IEnumerable<FileInfo> FilesOf(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles().Where(f => !IsHidden(f.Name));

    private static List<FileInfo> Sorted(IEnumerable<FileInfo> files)
    {
        // Brace alternatives may name the same file twice; it must be read once.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = files.Where(f => seen.Add(f.FullName)).ToList();
        result.Sort((a, b) => string.CompareOrdinal(a.FullName, b.FullName));
        return result;
    }

    private static string Resolved(string path) =>
        Path.IsPathRooted(path) ? "" : $" (relative paths resolve against '{Directory.GetCurrentDirectory()}')";
}

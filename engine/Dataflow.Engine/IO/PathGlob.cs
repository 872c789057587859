using System.Text;
using System.Text.RegularExpressions;

namespace Dataflow.IO;

/// <summary>
/// Hadoop-style glob matching over the local filesystem: <c>{a,b}</c> alternatives (nested, and
/// allowed to contain separators) are expanded first, then each path segment is matched on its own,
/// <c>*</c> and <c>?</c> never crossing a separator.
/// </summary>
internal static class PathGlob
{
    private static readonly char[] s_separators = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];

    /// <summary>Whether <paramref name="path"/> contains glob syntax.</summary>
    public static bool IsPattern(string path) => path.AsSpan().IndexOfAny("*?[{") >= 0;

    /// <summary>
    /// The files and directories matching <paramref name="pattern"/> as full paths, hidden entries
    /// matched by wildcards and hidden files left out; unsorted, may contain duplicates.
    /// </summary>
    public static List<string> Match(string pattern)
    {
        var matches = new List<string>();
        foreach (string alternative in ExpandBraces(pattern))
        {
            MatchOne(Path.GetFullPath(alternative), matches);
        }

        return matches;
    }

    /// <summary>Expands <c>{a,b}</c> alternatives; an unbalanced brace is kept literally.</summary>
    public static List<string> ExpandBraces(string pattern)
    {
        int open = pattern.IndexOf('{', StringComparison.Ordinal);
        while (open >= 0)
        {
            int depth = 0;
            var commas = new List<int>();
            for (int i = open; i < pattern.Length; i++)
            {
                char c = pattern[i];
                if (c == '{')
                {
                    depth++;
                }
                else if (c == ',' && depth == 1)
                {
                    commas.Add(i);
                }
                else if (c == '}' && --depth == 0)
                {
                    string prefix = pattern[..open];
                    string suffix = pattern[(i + 1)..];
                    var result = new List<string>();
                    int start = open + 1;
                    foreach (int end in commas.Append(i))
                    {
                        // Recursing on the rebuilt string handles nesting and later groups alike.
                        result.AddRange(ExpandBraces(prefix + pattern[start..end] + suffix));
                        start = end + 1;
                    }

                    return result;
                }
            }

            open = pattern.IndexOf('{', open + 1);
        }

        return [pattern];
    }

    private static void MatchOne(string fullPattern, List<string> matches)
    {
        string root = Path.GetPathRoot(fullPattern) ?? "";
        string[] segments = fullPattern[root.Length..].Split(s_separators, StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { root };
        for (int s = 0; s < segments.Length && current.Count > 0; s++)
        {
            bool last = s == segments.Length - 1;
            string segment = segments[s];
            var next = new List<string>();
            Regex? regex = SegmentRegex(segment);
            foreach (string dir in current)
            {
                if (regex is null)
                {
                    string candidate = Path.Combine(dir, segment);
                    if (Directory.Exists(candidate) || (last && File.Exists(candidate) && !InputPaths.IsHidden(segment)))
                    {
                        next.Add(candidate);
                    }

                    continue;
                }

                var entries = last ? Directory.EnumerateFileSystemEntries(dir) : Directory.EnumerateDirectories(dir);
                foreach (string entry in entries)
                {
                    string name = Path.GetFileName(entry);
                    if (!InputPaths.IsHidden(name) && regex.IsMatch(name))
                    {
                        next.Add(entry);
                    }
                }
            }

            current = next;
        }

        if (segments.Length > 0)
        {
            matches.AddRange(current);
        }
    }

    /// <summary>A regex for one segment, or <see langword="null"/> when the segment is literal.</summary>
    private static Regex? SegmentRegex(string segment)
    {
        var sb = new StringBuilder("^");
        bool wildcard = false;
        for (int i = 0; i < segment.Length; i++)
        {
            char c = segment[i];
            switch (c)
            {
                case '*':
                    sb.Append(".*");
                    wildcard = true;
                    break;
                case '?':
                    sb.Append('.');
                    wildcard = true;
                    break;
                case '[' when ClassEnd(segment, i) is int end and > 0:
                    AppendClass(sb, segment.AsSpan(i + 1, end - i - 1));
                    wildcard = true;
                    i = end;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return wildcard
            ? new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline)
            : null;
    }

    /// <summary>Index of the <c>]</c> closing the class opened at <paramref name="open"/>, or -1.</summary>
    private static int ClassEnd(string segment, int open)
    {
        int i = open + 1;
        if (i < segment.Length && (segment[i] == '!' || segment[i] == '^'))
        {
            i++;
        }

        // A ']' right after the opening (and negation) is a member, as in POSIX globs.
        if (i < segment.Length && segment[i] == ']')
        {
            i++;
        }

        int close = segment.IndexOf(']', i);
        return close;
    }

    private static void AppendClass(StringBuilder sb, ReadOnlySpan<char> body)
    {
        sb.Append('[');
        if (body.Length > 0 && (body[0] == '!' || body[0] == '^'))
        {
            sb.Append('^');
            body = body[1..];
        }

        foreach (char c in body)
        {
            // '-' stays a range operator; everything else that regex classes treat specially is escaped.
            if (c is '\\' or '[' or ']' or '^')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        sb.Append(']');
    }
}

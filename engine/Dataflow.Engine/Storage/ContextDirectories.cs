using System.Diagnostics;
using System.Globalization;
using Dataflow.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Dataflow.Storage;

/// <summary>
/// The private directories of driver contexts, <c>&lt;root&gt;/context-&lt;pid&gt;-&lt;guid&gt;</c>: naming them, and removing
/// those left behind by processes that died before disposing their context.
/// </summary>
internal static class ContextDirectories
{
    private const string Prefix = "context-";

    /// <summary>A fresh directory name for a context of this process.</summary>
    public static string NewName() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>
    /// Deletes every <c>context-&lt;pid&gt;-&lt;guid&gt;</c> directory directly under <paramref name="root"/> whose process is
    /// no longer running. Directories of live processes (this one included), and anything not named like a context
    /// directory, are left alone; a directory that cannot be deleted (another process removing it, no permission) is
    /// skipped.
    /// </summary>
    /// <returns>The directories removed.</returns>
    public static IReadOnlyList<string> RemoveStale(string root, ILogger logger)
    {
        var removed = new List<string>();
        if (!Directory.Exists(root))
        {
            return removed;
        }

        IEnumerable<string> candidates;
        try
        {
            candidates = [.. Directory.EnumerateDirectories(root, Prefix + "*")];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return removed;
        }

        foreach (var directory in candidates)
        {
            if (OwnerPid(Path.GetFileName(directory)) is not { } pid || IsRunning(pid))
            {
                continue;
            }

            try
            {
                Directory.Delete(directory, recursive: true);
                removed.Add(directory);
                logger.RemovedStaleContextDirectory(directory, pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process may be removing it at the same time, or it is not ours to delete.
            }
        }

        return removed;
    }

    /// <summary>Deletes <paramref name="directory"/> if it exists, ignoring errors (used when construction fails).</summary>
    public static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original failure is what the caller reports.
        }
    }

    /// <summary>The process id in a context directory's name, or null when the name is not <c>context-&lt;pid&gt;-&lt;32 hex&gt;</c>.</summary>
    internal static int? OwnerPid(string name)
    {
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = name.AsSpan(Prefix.Length);
        var dash = rest.IndexOf('-');
        if (dash <= 0 || rest.Length - dash - 1 != 32 || !Guid.TryParseExact(rest[(dash + 1)..], "N", out _))
        {
            return null;
        }

        return int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Cannot tell: keep the directory.
            return true;
        }
    }
}

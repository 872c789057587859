using System.Globalization;

namespace Dataflow.Cluster.Tests.Scripts;

/// <summary>Reads Linux's <c>/proc</c>: which processes run, and with what command line.</summary>
internal static class ProcessTable
{
    /// <summary>
    /// Whether <paramref name="pid"/> is a running process. A zombie (killed, not yet reaped: in a container whose
    /// init does not reap, it stays one) is not running.
    /// </summary>
    public static bool IsRunning(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // "pid (comm) S ...": the state follows the last ')', as comm may itself contain parentheses.
        var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
        return state is not ("Z" or "X");
    }

    /// <summary>The command line of a running process, arguments joined by spaces; null when it is not running.</summary>
    public static string? CommandLine(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').TrimEnd();
            return text.Length == 0 || !IsRunning(pid) ? null : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Running processes whose command line contains <paramref name="text"/>, as "pid: command line".</summary>
    public static IReadOnlyList<string> Mentioning(string text) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name is not null && name.All(char.IsAsciiDigit))
            .Select(name => int.Parse(name!, CultureInfo.InvariantCulture))
            .Where(pid => pid != Environment.ProcessId)
            .Select(pid => (Pid: pid, CommandLine: CommandLine(pid)))
            .Where(p => p.CommandLine is not null && p.CommandLine.Contains(text, StringComparison.Ordinal))
            .Select(p => $"{p.Pid}: {p.CommandLine}")
            .ToList();
}

using Dataflow.Configuration;
using Dataflow.Storage;
using Dataflow.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dataflow.Tests.Storage;

public sealed class ContextDirectoriesTests : IDisposable
{
    // Above Linux's largest pid_max (2^22) and far above Windows' and macOS' pids: never a running process.
    private const int DeadPid = 2_000_000_000;

    private readonly string _root = Directory.CreateTempSubdirectory("dataflow-ctxdirs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string MakeDirectory(string name)
    {
        var path = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.Combine(path, "shuffle"));
        File.WriteAllText(Path.Combine(path, "shuffle", "shuffle_0_0_0.data"), "x");
        return path;
    }

    private static string ContextName(int pid) => $"context-{pid}-{Guid.NewGuid():N}";

    [Theory]
    [InlineData("context-123-0123456789abcdef0123456789abcdef", 123)]
    [InlineData("context-123-0123456789abcdef", null)]
    [InlineData("context--0123456789abcdef0123456789abcdef", null)]
    [InlineData("context-x1-0123456789abcdef0123456789abcdef", null)]
    [InlineData("context-0-0123456789abcdef0123456789abcdef", null)]
    [InlineData("other-123-0123456789abcdef0123456789abcdef", null)]
    public void OwnerPid_ReadsOnlyContextDirectoryNames(string name, int? pid) => Assert.Equal(pid, ContextDirectories.OwnerPid(name));

    [Fact]
    public void RemoveStale_DeletesDeadProcessesDirectoriesOnly()
    {
        var dead = MakeDirectory(ContextName(DeadPid));
        var mine = MakeDirectory(ContextName(Environment.ProcessId));
        var unrelated = MakeDirectory($"context-{DeadPid}-not-a-guid");
        var other = MakeDirectory("keep-me");
        var logs = new CapturingLoggerFactory();

        var removed = ContextDirectories.RemoveStale(_root, logs.CreateLogger("test"));

        Assert.Equal([dead], removed);
        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(mine));
        Assert.True(Directory.Exists(unrelated));
        Assert.True(Directory.Exists(other));
        Assert.Contains(logs.Messages, m => m.Level == LogLevel.Information && m.Message.Contains(dead, StringComparison.Ordinal));
    }

    [Fact]
    public void RemoveStale_KeepsDirectoriesOfAnotherLiveProcess()
    {
        // The parent of the test host is alive while the tests run.
        if (ParentPid() is not { } pid)
        {
            Assert.Skip("the parent process id is only read from /proc on Linux");
            return;
        }

        var live = MakeDirectory(ContextName(pid));

        Assert.Empty(ContextDirectories.RemoveStale(_root, NullLogger.Instance));
        Assert.True(Directory.Exists(live));
    }

    [Fact]
    public async Task NewContext_RemovesStaleDirectoriesUnderItsLocalDirectory()
    {
        var dead = MakeDirectory(ContextName(DeadPid));
        var options = new DataflowOptions { Master = "local[1]" };
        options.Shuffle.LocalDirectory = _root;

        await using (var ctx = new DataflowContext(options))
        {
            Assert.False(Directory.Exists(dead));
            Assert.Equal(3, await ctx.Range(0, 3, numSlices: 1).CountAsync(TestContext.Current.CancellationToken));
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public void FailedConstructor_LeavesNoContextDirectory()
    {
        var options = new DataflowOptions { Master = "local[1]" };
        options.Shuffle.LocalDirectory = _root;
        options.Shuffle.SpillDirectory = Path.Combine(_root, "spills");
        Directory.CreateDirectory(options.Shuffle.SpillDirectory);

        var error = Assert.Throws<ClusterUnavailableException>(() => new DataflowContext(options, null, null,
            _ => throw new ClusterUnavailableException("cluster at orleans://127.0.0.1:1 does not answer")));

        Assert.Contains("does not answer", error.Message, StringComparison.Ordinal);
        Assert.Equal([options.Shuffle.SpillDirectory], Directory.EnumerateFileSystemEntries(_root));
        Assert.Empty(Directory.EnumerateFileSystemEntries(options.Shuffle.SpillDirectory));
    }

    private static int? ParentPid()
    {
        const string stat = "/proc/self/stat";
        if (!File.Exists(stat))
        {
            return null;
        }

        // pid (comm) state ppid ...; comm may contain spaces, so read after the last ')'.
        var text = File.ReadAllText(stat);
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}

using Dataflow.Configuration;

namespace Dataflow.Tests.Support;

/// <summary>
/// A local[2] context with a 16 MiB executor budget and a tiny per-structure spill threshold
/// (<see cref="SpillThreshold"/>), so every sort buffer, aggregation map and group spills after a few hundred
/// records: the whole spilling path runs on small data.
/// </summary>
public sealed class SpillingContextFixture : IAsyncLifetime
{
    public const long Budget = 16L * 1024 * 1024;
    public const long SpillThreshold = 16 * 1024;

    public DataflowContext Context { get; private set; } = null!;

    public EventRecorder Recorder { get; } = new();

    public ValueTask InitializeAsync()
    {
        var options = new DataflowOptions { Master = "local[2]" };
        options.Executor.Memory = new ByteSize(Budget);
        // These tests exercise the spilling sorter: shuffles that bypass it never spill.
        options.Shuffle.BypassMergeThreshold = 0;
        Context = new DataflowContext(options);
        Context.Environment.Memory.ConsumerSpillThreshold = SpillThreshold;
        Context.Listeners.Add(Recorder);
        return ValueTask.CompletedTask;
    }

    /// <summary>Delivers every pending event, then forgets all of them.</summary>
    public async Task ResetEventsAsync()
    {
        await Context.Listeners.FlushAsync();
        Recorder.Clear();
    }

    /// <summary>Every file or task directory left under the context's spill directory (none may outlive its task).</summary>
    public IReadOnlyList<string> SpillFiles() =>
        Directory.Exists(Context.Environment.SpillDirectory)
            ? Directory.GetFileSystemEntries(Context.Environment.SpillDirectory, "*", SearchOption.AllDirectories)
            : [];

    /// <summary>Temporary shuffle files (uncommitted map outputs) left in the context's work directory.</summary>
    public IReadOnlyList<string> TempShuffleFiles() => LeftoverFiles(Context.WorkDirectory, "*.tmp");

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();

    private static string[] LeftoverFiles(string directory, string pattern) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, pattern, SearchOption.AllDirectories) : [];
}

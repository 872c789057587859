using System.Text.RegularExpressions;
using Dataflow.Checkpointing;
using Dataflow.Configuration;
using Dataflow.Partitioning;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Checkpointing;

/// <summary>
/// Reliable and local checkpoints in local mode: written after the next action, lineage cut (the source may go),
/// partitioner kept, computed once for the action and the write, corruption detected by the frames' checksums, no
/// half-written checkpoint after a failed write, files gone with the context unless kept.
/// </summary>
public sealed partial class CheckpointTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dataflow-checkpoint-tests-" + Guid.NewGuid().ToString("N")[..12]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string CheckpointRoot => Path.Combine(_root, "checkpoints");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Checkpoint_AfterOneAction_SourceDeletedAndRddStillComputesWithNoParents()
    {
        await using var ctx = NewContext();
        var input = WriteInput("words.txt", Enumerable.Range(0, 500).Select(i => $"w{i % 37} w{i % 11}"));
        var counts = ctx.TextFile(input, 3).SelectMany(l => l.Split(' ')).Select(w => (w, 1)).ReduceByKey((a, b) => a + b, 4).Checkpoint();
        Assert.False(counts.IsCheckpointed);
        var expected = Enumerable.Range(0, 500).SelectMany(i => new[] { $"w{i % 37}", $"w{i % 11}" })
            .GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.Count, await counts.CountAsync(Ct));
        Assert.True(counts.IsCheckpointed);

        File.Delete(input);
        Assert.Equal(expected, (await counts.ToListAsync(Ct)).ToDictionary(kv => kv.Key, kv => kv.Value));

        Assert.Empty(counts.Dependencies);
        var plan = counts.Explain();
        Assert.Equal(1, LineageDepth(plan));
        Assert.DoesNotContain("shuffle map stage", plan, StringComparison.Ordinal);
        Assert.Contains("[checkpointed to " + Path.Combine(ctx.CheckpointDirectory!, ""), plan, StringComparison.Ordinal);
        var files = Directory.GetFiles(Directory.GetDirectories(Directory.GetDirectories(CheckpointRoot).Single()).Single()).Select(Path.GetFileName);
        Assert.Equal(["_SUCCESS", "part-00000", "part-00001", "part-00002", "part-00003"], files.Order());
    }

    [Fact]
    public async Task Checkpoint_UnpersistedRdd_IsComputedOnceForTheActionAndTheWrite()
    {
        await using var ctx = NewContext();
        var computed = ctx.LongAccumulator();
        var squares = ctx.Range(0, 1_000, 1, 4).Select(x => { computed.Add(1); return x * x; }).Checkpoint();
        Assert.Equal(Enumerable.Range(0, 1_000).Sum(x => (long)x * x), await squares.SumAsync(Ct));
        Assert.Equal(1_000, computed.Value);

        // Later jobs read the files: nothing is computed again, and the engine's cache for the write is gone.
        Assert.Equal(1_000, await squares.CountAsync(Ct));
        Assert.Equal(1_000, computed.Value);
        Assert.True(squares.StorageLevel.IsNone);
        Assert.Empty(ctx.Environment.BlockManager.StoredPartitions(squares.Id));
    }

    [Fact]
    public async Task Checkpoint_KeepsThePartitioner_JoinWithACoPartitionedRddShufflesNeitherSideAgain()
    {
        await using var ctx = NewContext();
        var recorder = new EventRecorder();
        ctx.Listeners.Add(recorder);
        var partitioner = new HashPartitioner(4);
        var left = ctx.Parallelize(Enumerable.Range(0, 200).Select(i => (i % 50, i)), 3).PartitionBy(partitioner).Checkpoint();
        var right = ctx.Parallelize(Enumerable.Range(0, 50).Select(i => (i, -i)), 2).PartitionBy(partitioner).Cache();
        Assert.Equal(200, await left.CountAsync(Ct));
        Assert.Equal(50, await right.CountAsync(Ct));
        Assert.Equal(partitioner, left.Partitioner);

        await ctx.Listeners.FlushAsync();
        recorder.Clear();
        var joined = left.Join(right);
        var result = await joined.ToListAsync(Ct);
        await ctx.Listeners.FlushAsync();

        var expected = Enumerable.Range(0, 200).Select(i => (i % 50, (i, -(i % 50)))).Order().ToList();
        Assert.Equal(expected, result.Select(r => (r.Key, (r.Value.Left, r.Value.Right))).Order().ToList());
        // Only the result stage ran: the checkpointed side is read narrowly, the cached side's shuffle is not rerun.
        var stage = Assert.Single(recorder.StagesRun(recorder.LastJobId));
        Assert.Null(stage.Stage.ShuffleId);
        Assert.Equal(0L, recorder.ShuffleBytesWrittenSinceClear);
        Assert.Equal(partitioner, joined.Partitioner);
    }

    [Fact]
    public async Task Checkpoint_CorruptFile_IsDetectedByItsChecksumAndTheErrorNamesTheFile()
    {
        await using var ctx = NewContext();
        var rdd = ctx.Range(0, 4_000, 1, 2).Select(x => $"record {x}").Checkpoint();
        Assert.Equal(4_000, await rdd.CountAsync(Ct));
        var file = Path.Combine(rdd.Checkpoint!.Directory!, "part-00001");
        var bytes = File.ReadAllBytes(file);
        bytes[^10] ^= 0x40;
        File.WriteAllBytes(file, bytes);

        var error = await Assert.ThrowsAsync<JobFailedException>(() => rdd.ToListAsync(Ct));
        var cause = Assert.IsType<CheckpointException>(error.InnerException);
        Assert.Contains($"Checkpoint file '{file}' of RDD {rdd.Id}", cause.Message, StringComparison.Ordinal);
        Assert.Contains("is corrupt", cause.Message, StringComparison.Ordinal);
        Assert.Contains("checksum", cause.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Checkpoint_WriteThatFails_LeavesNoHalfWrittenCheckpointAndTheRddUncut()
    {
        await using var ctx = NewContext();
        // The action reads partition 0 only; the write computes the others, and partition 3 fails.
        var rdd = ctx.Range(0, 400, 1, 4).Select(x => x >= 300 ? throw new InvalidOperationException("bad record " + x) : x).Checkpoint();
        var error = await Assert.ThrowsAsync<JobFailedException>(() => rdd.FirstAsync(Ct));
        Assert.Contains("bad record 300", error.InnerException!.Message, StringComparison.Ordinal);

        Assert.False(rdd.IsCheckpointed);
        Assert.NotEmpty(rdd.Dependencies);
        Assert.Empty(Directory.EnumerateFiles(CheckpointRoot, "*", SearchOption.AllDirectories));
        var contextDirectory = Assert.Single(Directory.GetDirectories(CheckpointRoot));
        Assert.Empty(Directory.EnumerateFileSystemEntries(contextDirectory));
    }

    [Fact]
    public async Task Checkpoint_FilesAreDeletedWithTheContext_UnlessKeepIsSet()
    {
        await using (var ctx = NewContext())
        {
            Assert.Equal(100, await ctx.Range(0, 100, 1, 2).Checkpoint().CountAsync(Ct));
            Assert.NotEmpty(Directory.EnumerateFiles(CheckpointRoot, "part-*", SearchOption.AllDirectories));
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(CheckpointRoot));

        var options = new DataflowOptions { Master = "local[2]" };
        options.Checkpoint.Directory = CheckpointRoot;
        options.Checkpoint.Keep = true;
        string kept;
        await using (var ctx = new DataflowContext(options))
        {
            var rdd = ctx.Range(0, 100, 1, 2).Checkpoint();
            Assert.Equal(100, await rdd.CountAsync(Ct));
            kept = rdd.Checkpoint!.Directory!;
        }

        Assert.Equal(["_SUCCESS", "part-00000", "part-00001"], Directory.GetFiles(kept).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Checkpoint_WithoutADirectory_IsAnErrorNamingTheFix()
    {
        await using var ctx = new DataflowContext("local[2]");
        var error = Assert.Throws<InvalidOperationException>(() => ctx.Range(0, 10).Checkpoint());
        Assert.Contains("SetCheckpointDirectory", error.Message, StringComparison.Ordinal);
        Assert.Contains("Dataflow:Checkpoint:Directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalCheckpoint_AfterOneAction_SourceDeletedAndRddStillComputesFromTheBlocks()
    {
        await using var ctx = NewContext();
        var input = WriteInput("lines.txt", Enumerable.Range(0, 300).Select(i => $"line {i}"));
        var computed = ctx.LongAccumulator();
        var lengths = ctx.TextFile(input, 3).Select(l => { computed.Add(1); return (l.Length % 5, l.Length); }).ReduceByKey((a, b) => a + b, 2).LocalCheckpoint();
        // First reads one partition; the checkpoint computes the other.
        _ = await lengths.FirstAsync(Ct);
        Assert.True(lengths.IsCheckpointed);
        Assert.Equal(300, computed.Value);

        File.Delete(input);
        var expected = Enumerable.Range(0, 300).Select(i => $"line {i}".Length).GroupBy(n => n % 5).ToDictionary(g => g.Key, g => g.Sum());
        Assert.Equal(expected, (await lengths.ToListAsync(Ct)).ToDictionary(kv => kv.Item1, kv => kv.Item2));
        Assert.Equal(300, computed.Value);
        var plan = lengths.Explain();
        Assert.Equal(1, LineageDepth(plan));
        Assert.Contains("[locally checkpointed]", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalCheckpoint_UnpersistedAfterwards_FailsNamingTheRddAndTheReliableCheckpoint()
    {
        await using var ctx = NewContext();
        var rdd = ctx.Range(0, 100, 1, 2).Select(x => x + 1).LocalCheckpoint();
        Assert.Equal(100, await rdd.CountAsync(Ct));
        await rdd.UnpersistAsync();

        var error = await Assert.ThrowsAsync<JobFailedException>(() => rdd.CountAsync(Ct));
        var cause = Assert.IsType<CheckpointException>(error.InnerException);
        Assert.Contains($"of RDD {rdd.Id}", cause.Message, StringComparison.Ordinal);
        Assert.Contains("use Checkpoint() with SetCheckpointDirectory", cause.Message, StringComparison.Ordinal);
    }

    /// <summary>The RDDs of a plan's result stage when it has no shuffle stages: its RDD lines.</summary>
    internal static int LineageDepth(string plan) => plan.Split('\n').Count(l => RddLine().IsMatch(l));

    [GeneratedRegex(@"^\s+\S+\[\d+\] .*\[\d+ partitions\]")]
    private static partial Regex RddLine();

    private DataflowContext NewContext()
    {
        var ctx = new DataflowContext("local[2]");
        ctx.SetCheckpointDirectory(CheckpointRoot);
        return ctx;
    }

    private string WriteInput(string name, IEnumerable<string> lines)
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, name);
        File.WriteAllLines(path, lines);
        return path;
    }
}

using System.Text.Json;
using Dataflow.Configuration;
using Dataflow.Execution;
using Dataflow.IO;

namespace Dataflow.Tests.Diagnostics;

public sealed class EventLogTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dataflow-eventlog-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string LogDirectory => Path.Combine(_root, "events");

    private DataflowOptions Options(string master = "local[2]")
    {
        var options = new DataflowOptions { Master = master, AppName = "event-log-test" };
        options.Shuffle.LocalDirectory = Path.Combine(_root, "work");
        options.EventLog.Directory = LogDirectory;
        return options;
    }

    private static List<JsonElement> ReadLines(string path)
    {
        // Opened as a reader would open a running application's file: the writer still has it open.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n');
        Assert.Equal("", lines[^1]);
        return [.. lines[..^1].Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }

    private static IEnumerable<JsonElement> OfType(List<JsonElement> records, string name) =>
        records.Where(r => r.GetProperty("event").GetString() == name);

    [Fact]
    public async Task KnownJobs_WriteTheExpectedSequenceCountsAndMetrics()
    {
        string appId;
        await using (var ctx = new DataflowContext(Options()))
        {
            appId = ctx.ApplicationId;
            var sums = ctx.Parallelize(Enumerable.Range(0, 100), 4).Select(x => (x % 5, x)).ReduceByKey((a, b) => a + b, 3);
            Assert.Equal(5, (await sums.ToListAsync(TestContext.Current.CancellationToken)).Count);
            // Reuses the shuffle: its map stage is skipped.
            Assert.Equal(5, await sums.CountAsync(TestContext.Current.CancellationToken));
        }

        Assert.Matches("^app-[0-9]{14}-[0-9a-f]{8}$", appId);
        Assert.Equal([appId + ".jsonl"], Directory.GetFiles(LogDirectory).Select(Path.GetFileName));
        var records = ReadLines(Path.Combine(LogDirectory, appId + ".jsonl"));

        Assert.Equal("ApplicationStart", records[0].GetProperty("event").GetString());
        Assert.Equal(appId, records[0].GetProperty("appId").GetString());
        Assert.Equal("event-log-test", records[0].GetProperty("appName").GetString());
        Assert.Equal("local[2]", records[0].GetProperty("master").GetString());
        Assert.Equal("ApplicationEnd", records[^1].GetProperty("event").GetString());
        var executor = Assert.Single(OfType(records, "ExecutorAdded"));
        Assert.Equal("driver", executor.GetProperty("executorId").GetString());
        Assert.Equal(2, executor.GetProperty("cores").GetInt32());

        var jobStarts = OfType(records, "JobStart").ToList();
        Assert.Equal([0, 1], jobStarts.Select(j => j.GetProperty("jobId").GetInt32()));
        Assert.Equal("ToListAsync", jobStarts[0].GetProperty("callSite").GetProperty("operation").GetString());
        Assert.Equal("CountAsync", jobStarts[1].GetProperty("callSite").GetProperty("operation").GetString());
        Assert.All(jobStarts, j => Assert.Equal(2, j.GetProperty("stageIds").GetArrayLength()));
        Assert.All(OfType(records, "JobEnd"), j => Assert.True(j.GetProperty("succeeded").GetBoolean()));
        Assert.Equal(2, OfType(records, "JobEnd").Count());

        // Job 0 runs its map stage (4 tasks) and result stage (3); job 1 skips the map stage and runs 3 tasks.
        var submitted = OfType(records, "StageSubmitted").Select(s => s.GetProperty("stage")).ToList();
        Assert.Equal([4, 3, 3], submitted.Select(s => s.GetProperty("numTasks").GetInt32()));
        Assert.Equal(3, OfType(records, "StageCompleted").Count(s => s.GetProperty("succeeded").GetBoolean()));
        var skipped = Assert.Single(OfType(records, "StageSkipped"));
        Assert.Equal(1, skipped.GetProperty("jobId").GetInt32());
        var mapStage = submitted[0];
        Assert.Equal(mapStage.GetProperty("stageId").GetInt32(), skipped.GetProperty("stage").GetProperty("stageId").GetInt32());
        Assert.Equal(JsonValueKind.Number, mapStage.GetProperty("shuffleId").ValueKind);
        Assert.Equal(JsonValueKind.Null, submitted[1].GetProperty("shuffleId").ValueKind);
        Assert.Equal([mapStage.GetProperty("stageId").GetInt32()],
            submitted[1].GetProperty("parentStageIds").EnumerateArray().Select(p => p.GetInt32()));

        // The map stage pipelines Parallelize -> Select, with their call sites in this file.
        var rdds = mapStage.GetProperty("rdds").EnumerateArray().ToList();
        Assert.Equal(["Parallelize", "Select"], rdds.Select(r => r.GetProperty("callSite").GetProperty("operation").GetString()));
        Assert.All(rdds, r => Assert.EndsWith("EventLogTests.cs", r.GetProperty("callSite").GetProperty("file").GetString(), StringComparison.Ordinal));
        Assert.All(rdds, r => Assert.Equal(4, r.GetProperty("numPartitions").GetInt32()));
        Assert.Equal([rdds[0].GetProperty("rddId").GetInt32()], rdds[1].GetProperty("parentIds").EnumerateArray().Select(p => p.GetInt32()));

        // Tasks = partitions of the stages that ran, each started before it ended.
        var starts = OfType(records, "TaskStart").ToList();
        var ends = OfType(records, "TaskEnd").ToList();
        Assert.Equal(10, starts.Count);
        Assert.Equal(10, ends.Count);
        Assert.All(ends, e => Assert.True(e.GetProperty("succeeded").GetBoolean()));
        var position = records.Select((r, i) => (r, i)).ToList();
        foreach (var end in ends)
        {
            var id = end.GetProperty("taskId").GetInt64();
            var startAt = position.Single(p => p.r.GetProperty("event").GetString() == "TaskStart" && p.r.GetProperty("taskId").GetInt64() == id).i;
            var endAt = position.Single(p => p.r.GetProperty("event").GetString() == "TaskEnd" && p.r.GetProperty("taskId").GetInt64() == id).i;
            Assert.True(startAt < endAt);
            Assert.True(end.GetProperty("computeTime").GetDouble() > 0);
            Assert.True(end.GetProperty("duration").GetDouble() >= end.GetProperty("computeTime").GetDouble() - 0.001);
            Assert.True(end.GetProperty("schedulerDelay").GetDouble() >= 0);
            Assert.Equal("driver", end.GetProperty("executorId").GetString());
        }

        var mapId = mapStage.GetProperty("stageId").GetInt32();
        var mapEnds = ends.Where(e => e.GetProperty("stageId").GetInt32() == mapId).ToList();
        var reduceEnds = ends.Where(e => e.GetProperty("stageId").GetInt32() != mapId).ToList();
        Assert.Equal([0, 1, 2, 3], mapEnds.Select(e => e.GetProperty("partition").GetInt32()).Order());
        Assert.Equal(100, mapEnds.Sum(e => e.GetProperty("recordsRead").GetInt64()));
        Assert.All(mapEnds, e => Assert.True(e.GetProperty("shuffleWriteBytes").GetInt64() > 0));
        Assert.All(mapEnds, e => Assert.True(e.GetProperty("shuffleWriteTime").GetDouble() > 0));
        Assert.All(mapEnds, e => Assert.Equal(0, e.GetProperty("shuffleFetchWaitTime").GetDouble()));
        Assert.All(reduceEnds, e => Assert.Equal(0, e.GetProperty("shuffleWriteTime").GetDouble()));
        Assert.True(reduceEnds.Sum(e => e.GetProperty("shuffleFetchWaitTime").GetDouble()) > 0);
        var written = mapEnds.Sum(e => e.GetProperty("shuffleWriteRecords").GetInt64());
        Assert.InRange(written, 5, 20);
        // Each reduce job reads every map output once.
        Assert.Equal(2 * written, reduceEnds.Sum(e => e.GetProperty("shuffleReadRecords").GetInt64()));
        Assert.True(reduceEnds.Sum(e => e.GetProperty("shuffleReadBytes").GetInt64()) > 0);
        var mapCompleted = OfType(records, "StageCompleted").First(s => s.GetProperty("stageId").GetInt32() == mapId);
        Assert.Equal(100, mapCompleted.GetProperty("metrics").GetProperty("recordsRead").GetInt64());
    }

    [Fact]
    public async Task RunningApplication_LeavesAReadableInProgressFile()
    {
        var ctx = new DataflowContext(Options("local[1]"));
        string inProgress;
        try
        {
            Assert.Equal(10, await ctx.Range(0, 10, numSlices: 2).CountAsync(TestContext.Current.CancellationToken));
            await ctx.Listeners.FlushAsync();
            inProgress = Path.Combine(LogDirectory, ctx.ApplicationId + ".jsonl.inprogress");
            Assert.Equal([Path.GetFileName(inProgress)], Directory.GetFiles(LogDirectory).Select(Path.GetFileName));

            // As a killed driver would leave it: complete lines only, the job's end included, no ApplicationEnd.
            var records = ReadLines(inProgress);
            Assert.Equal("JobEnd", records[^1].GetProperty("event").GetString());
            Assert.Equal(2, OfType(records, "TaskEnd").Count());
            Assert.Empty(OfType(records, "ApplicationEnd"));
        }
        finally
        {
            await ctx.DisposeAsync();
        }

        Assert.False(File.Exists(inProgress));
        Assert.True(File.Exists(Path.Combine(LogDirectory, ctx.ApplicationId + ".jsonl")));
    }

    [Fact]
    public async Task FailedTask_IsLoggedWithItsReasonAndTheRetrySucceeds()
    {
        string appId;
        await using (var ctx = new DataflowContext(Options("local[1]")))
        {
            appId = ctx.ApplicationId;
            var values = await ctx.Parallelize([1, 2, 3], 1)
                .Select(x => TaskContext.Current!.AttemptNumber == 0 ? throw new InvalidOperationException("first attempt fails") : x)
                .ToListAsync(TestContext.Current.CancellationToken);
            Assert.Equal([1, 2, 3], values);
        }

        var ends = OfType(ReadLines(Path.Combine(LogDirectory, appId + ".jsonl")), "TaskEnd").ToList();
        Assert.Equal(2, ends.Count);
        Assert.False(ends[0].GetProperty("succeeded").GetBoolean());
        Assert.Equal(0, ends[0].GetProperty("attempt").GetInt32());
        Assert.Equal("InvalidOperationException: first attempt fails", ends[0].GetProperty("failureReason").GetString());
        Assert.True(ends[1].GetProperty("succeeded").GetBoolean());
        Assert.Equal(1, ends[1].GetProperty("attempt").GetInt32());
        Assert.Equal(JsonValueKind.Null, ends[1].GetProperty("failureReason").ValueKind);
    }

    [Fact]
    public void UnwritableDirectory_FailsTheContextNamingTheOptionAndLeavesNothing()
    {
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "x");
        var options = Options();
        options.EventLog.Directory = Path.Combine(file, "events");
        Directory.CreateDirectory(options.Shuffle.LocalDirectory);

        var error = Assert.Throws<OutputPathException>(() => new DataflowContext(options));

        Assert.Contains("Dataflow:EventLog:Directory", error.Message, StringComparison.Ordinal);
        Assert.Contains(options.EventLog.Directory, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(options.Shuffle.LocalDirectory));
    }
}

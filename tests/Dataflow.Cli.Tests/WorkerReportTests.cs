using System.Text.Json;
using Dataflow.Cluster.Grains;

namespace Dataflow.Cli.Tests;

/// <summary>The documented JSON document and the table of <c>dataflow workers</c>.</summary>
public sealed class WorkerReportTests
{
    private static readonly WorkerReport s_report = new(
        "orleans://127.0.0.1:30001,127.0.0.1:30002",
        new DateTime(2026, 12, 3, 13, 45, 6, 789, DateTimeKind.Utc),
        [
            new WorkerReport.Entry("127.0.0.1:11112", new WorkerStatus("127.0.0.1:11112", "127.0.0.1:11112@1", "Release build 1a2b3c4d, protocol 60102",
                4, 3, 1_572_864, 2_147_483_648, 123_456, ["app-1", "app-2"], TimeSpan.FromSeconds(3_725.5)), null),
            new WorkerReport.Entry("127.0.0.1:11113", null, "timed out"),
        ]);

    [Fact]
    public void ToJson_HasTheDocumentedFields()
    {
        using var document = JsonDocument.Parse(s_report.ToJson());
        var root = document.RootElement;

        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal("orleans://127.0.0.1:30001,127.0.0.1:30002", root.GetProperty("master").GetString());
        Assert.Equal("2026-12-03T13:45:06.789Z", root.GetProperty("time").GetString());
        var workers = root.GetProperty("workers");
        Assert.Equal(2, workers.GetArrayLength());
        var first = workers[0];
        Assert.Equal("127.0.0.1:11112", first.GetProperty("address").GetString());
        Assert.Equal("127.0.0.1:11112@1", first.GetProperty("executorId").GetString());
        Assert.Equal("Release build 1a2b3c4d, protocol 60102", first.GetProperty("build").GetString());
        Assert.Equal(1, first.GetProperty("slots").GetProperty("free").GetInt32());
        Assert.Equal(4, first.GetProperty("slots").GetProperty("total").GetInt32());
        Assert.Equal(1_572_864, first.GetProperty("memory").GetProperty("usedBytes").GetInt64());
        Assert.Equal(2_147_483_648, first.GetProperty("memory").GetProperty("totalBytes").GetInt64());
        Assert.Equal(3, first.GetProperty("runningTasks").GetInt32());
        Assert.Equal(123_456, first.GetProperty("shuffleBytes").GetInt64());
        Assert.Equal(["app-1", "app-2"], first.GetProperty("applications").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(3725.5, first.GetProperty("uptimeSeconds").GetDouble());
        var second = workers[1];
        Assert.Equal("127.0.0.1:11113", second.GetProperty("address").GetString());
        Assert.Equal("timed out", second.GetProperty("error").GetString());
        Assert.False(second.TryGetProperty("slots", out _));
    }

    [Fact]
    public void ToTable_OneHeaderAndOneLinePerWorker()
    {
        var lines = s_report.ToTable().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^ADDRESS +SLOTS +MEMORY +TASKS +SHUFFLE +APPS +UPTIME$", lines[0]);
        Assert.Matches(@"^127\.0\.0\.1:11112 +1/4 free +1\.5m/2\.0g +3 +120\.6k +app-1,app-2 +1h02m$", lines[1]);
        Assert.Matches(@"^127\.0\.0\.1:11113 +- +- +- +- +- +not answering: timed out$", lines[2]);
    }

    [Fact]
    public void SlotsFree_NeverNegative_WhenBarrierTasksExceedTheSlots() =>
        Assert.Equal(0, new WorkerStatus("a", "a", "b", 2, 5, 0, 0, 0, [], TimeSpan.Zero).SlotsFree);
}

using System.Text;
using Dataflow.Execution;
using Dataflow.Scheduling;
using Dataflow.Serialization;
using Dataflow.Serialization.Closures;
using Dataflow.Serialization.TypeSafety;
using Dataflow.Serialization.Wire;
using Dataflow.Shuffle;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Serialization.Wire;

/// <summary>Task binaries and task results as a cluster worker and the driver exchange them.</summary>
public sealed class TaskBinaryTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private static readonly TypeResolutionPolicy s_policy = new([typeof(TaskBinaryTests).Assembly]);

    private static readonly TaskDescription s_description = new(1, 0, 0, 0, 0, 0, null!, []);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Deserialize_DeepNarrowLineage_RunsWithoutDeepRecursion()
    {
        var rdd = fixture.Context.Parallelize(Enumerable.Range(0, 10), 2);
        for (var i = 0; i < 5_000; i++)
        {
            rdd = rdd.Select(x => x + 1);
        }

        var copy = RoundTrip(ResultTaskOf(rdd, 1));

        Assert.Equal([5_005, 5_006, 5_007, 5_008, 5_009], Run<int[]>(copy));
    }

    [Fact]
    public void Serialize_RddReachedTwice_IsWrittenOnce()
    {
        var marker = new string('q', 2_000);
        var source = fixture.Context.Parallelize(new[] { marker }, 1);
        var both = source.Zip(source.Select(s => s.Length));

        var bytes = TaskBinary.Serialize(ResultTaskOf(both, 0));
        var text = Encoding.ASCII.GetString(bytes);

        Assert.Equal(text.IndexOf(marker, StringComparison.Ordinal), text.LastIndexOf(marker, StringComparison.Ordinal));
        Assert.Equal([(marker, 2_000)], Run<(string, int)[]>(TaskBinary.Deserialize(bytes, s_policy)));
    }

    [Fact]
    public void Serialize_ReduceSideStage_LeavesTheMapSideBehind()
    {
        var marker = new string('z', 1_000);
        var counts = fixture.Context.Parallelize(new[] { (marker, 1) }, 1).ReduceByKey((a, b) => a + b, 3);

        var text = Encoding.ASCII.GetString(TaskBinary.Serialize(ResultTaskOf(counts, 0)));

        Assert.DoesNotContain(marker, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_UserClosureCapturingAnRdd_IsStillRefused()
    {
        var other = fixture.Context.Parallelize(new[] { 1 }, 1);
        Func<int, int> f = x => x + other.NumPartitions;

        var error = Assert.ThrowsAny<NotSupportedException>(() => ClosureSerializer.Serialize(f));

        Assert.Contains("run only on the driver", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TaskResultCodec_FetchFailureAndBadInput_KeepTheirFields()
    {
        var block = new ShuffleBlockId(3, 4, 5);
        var fetch = RoundTripError(new FetchFailedException(block, "worker-7", "connection reset"));
        var bad = RoundTripError(new BadInputException("edges.txt", 12, "expected two numbers"));
        var user = RoundTripError(new InvalidOperationException("user said no", new FormatException("inner")));

        var f = Assert.IsType<FetchFailedException>(fetch);
        Assert.Equal((block, "worker-7"), (f.Block, f.ExecutorId));
        Assert.Equal("Fetch of shuffle_3_4_5 from executor worker-7 failed: connection reset", f.Message);
        var b = Assert.IsType<BadInputException>(bad);
        Assert.Equal(("edges.txt", 12L, "edges.txt:12: expected two numbers"), (b.Source, b.Line, b.Message));
        var u = Assert.IsType<InvalidOperationException>(user);
        Assert.Equal("user said no", u.Message);
        Assert.Equal("inner", Assert.IsType<FormatException>(u.InnerException).Message);
    }

    [Fact]
    public void TaskResultCodec_ExceptionTypeThatCannotBeRecreated_BecomesRemoteTaskExceptionNamingIt()
    {
        var error = RoundTripError(new PrivateFailure(42));

        var remote = Assert.IsType<RemoteTaskException>(error);
        Assert.Equal(typeof(PrivateFailure).FullName, remote.RemoteType);
        Assert.Contains("boom 42", remote.Message, StringComparison.Ordinal);
    }

    private static StageTask ResultTaskOf<T>(Rdd<T> rdd, int partition) =>
        new ResultTask<T, T[]>(rdd, rdd.Partitions[partition], static (_, items) => [.. items], new CallSite("test", "TaskBinaryTests.cs", 1));

    private static StageTask RoundTrip(StageTask task) => TaskBinary.Deserialize(TaskBinary.Serialize(task), s_policy);

    private T Run<T>(StageTask task)
    {
        var result = TaskRunner.Run(s_description with { Task = task, PartitionId = task.Partition.Index }, fixture.Context.Environment, Ct);
        Assert.Null(result.Error);
        var back = TaskResultCodec.Deserialize(TaskResultCodec.Serialize(result), s_description, s_policy);
        return Assert.IsType<T>(back.Value);
    }

    private static Exception RoundTripError(Exception error)
    {
        Exception thrown;
        try
        {
            throw error;
        }
        catch (Exception e)
        {
            thrown = e;
        }

        var result = new TaskResult(s_description, null, thrown, new TaskMetrics(), "worker-1");
        var back = TaskResultCodec.Deserialize(TaskResultCodec.Serialize(result), s_description, s_policy).Error!;
        Assert.Contains(nameof(RoundTripError), back.StackTrace, StringComparison.Ordinal);
        return back;
    }

    // No constructor from a message: the driver cannot re-create it.
    private sealed class PrivateFailure(int code) : Exception($"boom {code}");
}

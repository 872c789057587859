using Dataflow.Dependencies;
using Dataflow.Partitioning;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Checkpointing;

/// <summary>
/// The iterative loop that builds a new RDD per iteration (a shuffle each, as a model kept in an RDD does), with a
/// checkpoint every 10 iterations: at iteration 1,000 the lineage is no deeper and the driver holds no more stages,
/// shuffles, cached blocks or files than at iteration 100, because checkpoints cut the lineage and the context
/// cleaner drops what the cut made unreachable.
/// </summary>
[Collection(nameof(MemoryMeasuringCollection))]
public sealed class CheckpointLoopTests : IDisposable
{
    private const int Iterations = 1_000;
    private const int Baseline = 100;
    private const int CheckpointEvery = 10;
    private const int Keys = 64;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dataflow-checkpoint-loop-" + Guid.NewGuid().ToString("N")[..12]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Loop_ThousandIterationsCheckpointedEveryTen_HoldsNoMoreAtThousandThanAtHundred(bool reliable)
    {
        await using var ctx = new DataflowContext("local[2]");
        if (reliable)
        {
            ctx.SetCheckpointDirectory(_root);
        }

        var partitioner = new HashPartitioner(4);
        var increments = ctx.Parallelize(Enumerable.Range(0, Keys).Select(k => (k, (long)k)).ToArray(), 4).PartitionBy(partitioner).Cache();
        Rdd<(int Key, long Value)> state = ctx.Parallelize(Enumerable.Range(0, Keys).Select(k => (k, 0L)).ToArray(), 4);
        Held? atBaseline = null;
        for (var iteration = 1; iteration <= Iterations; iteration++)
        {
            // One shuffle per iteration (the state is re-keyed), a narrow join with the cached increments.
            state = state.Select(kv => (kv.Key, kv.Value)).ReduceByKey((a, b) => a + b, partitioner)
                .Join(increments).Select(kv => (kv.Key, kv.Value.Left + kv.Value.Right));
            if (iteration % CheckpointEvery == 0)
            {
                state = reliable ? state.Checkpoint() : state.LocalCheckpoint();
            }

            var sum = await state.Select(kv => kv.Value).SumAsync(Ct);
            Assert.Equal(iteration * (long)(Keys * (Keys - 1) / 2), sum);
            if (iteration == Baseline)
            {
                atBaseline = await MeasureAsync(ctx, state);
                Assert.True(state.IsCheckpointed);
            }
        }

        var atEnd = await MeasureAsync(ctx, state);
        Assert.True(state.IsCheckpointed);
        Assert.True(atEnd.Depth <= atBaseline!.Depth, $"lineage depth {atEnd.Depth} at {Iterations} > {atBaseline.Depth} at {Baseline}");
        Assert.Equal(1, atEnd.Depth);
        Assert.True(atEnd.Stages <= atBaseline.Stages, $"{atEnd.Stages} stages at {Iterations} > {atBaseline.Stages} at {Baseline}");
        Assert.True(atEnd.Shuffles <= atBaseline.Shuffles, $"{atEnd.Shuffles} shuffles at {Iterations} > {atBaseline.Shuffles} at {Baseline}");
        Assert.True(atEnd.ShuffleFiles <= atBaseline.ShuffleFiles, $"{atEnd.ShuffleFiles} shuffle files at {Iterations} > {atBaseline.ShuffleFiles}");
        Assert.True(atEnd.WatchedRdds <= atBaseline.WatchedRdds, $"{atEnd.WatchedRdds} watched RDDs at {Iterations} > {atBaseline.WatchedRdds}");
        Assert.True(atEnd.CheckpointFiles <= atBaseline.CheckpointFiles, $"{atEnd.CheckpointFiles} checkpoint files at {Iterations} > {atBaseline.CheckpointFiles}");
        // What stays is what the live RDDs need: the increments' shuffle and blocks, and the last checkpoint (its
        // blocks, or its files).
        Assert.Equal(1, atEnd.Shuffles);
        Assert.Equal(2, atEnd.WatchedRdds);
        Assert.Equal(reliable ? 5 : 0, atEnd.CheckpointFiles);
    }

    /// <summary>What the context holds after a collection and one more job (whose end releases what died).</summary>
    private async Task<Held> MeasureAsync(DataflowContext ctx, Rdd<(int Key, long Value)> state)
    {
        // Resumed on a fresh frame: the frame that awaited the last job may still hold its finished tasks.
        await Task.Yield();
        IterationLoop.HeapAfterFullGc();
        Assert.Equal(Keys, await state.CountAsync(Ct));
        return new Held(
            Lineage.Depth(state),
            ctx.Scheduler.MapStageCount + ctx.Scheduler.ReleasedStageIdCount,
            ctx.MapOutputs.ShuffleIds.Count,
            Directory.GetFiles(ctx.WorkDirectory, "shuffle_*", SearchOption.AllDirectories).Length,
            ctx.Cleaner.RddCount,
            Directory.Exists(_root) ? Directory.GetFiles(_root, "*", SearchOption.AllDirectories).Length : 0);
    }

    private sealed record Held(int Depth, int Stages, int Shuffles, int ShuffleFiles, int WatchedRdds, int CheckpointFiles);
}

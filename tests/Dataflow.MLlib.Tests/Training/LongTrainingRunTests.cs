using Dataflow.Configuration;
using Dataflow.MLlib.Classification;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Tests.Support;
using Dataflow.MLlib.Training;

namespace Dataflow.MLlib.Tests.Training;

/// <summary>
/// A training run is hundreds of small engine jobs: a run of 1,000 iterations must leave the driver's heap and the
/// context's shuffle and block directories as a run of 100 does (per-job state released as each job ends).
/// </summary>
[Collection(nameof(MemoryMeasuringCollection))]
public sealed class LongTrainingRunTests : IDisposable
{
    private const long HeapGrowthLimit = 5L * 1024 * 1024;
    private readonly TempDirectory _dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ThousandIterationSgdRun_KeepsHeapAndDiskAsAHundredIterationRunDoes()
    {
        var options = DataflowConfiguration.Load([new("Dataflow:Shuffle:LocalDirectory", _dir.Path)], environment: new System.Collections.Hashtable());
        options.Master = "local[2]";
        await using var ctx = new DataflowContext(options);
        // 8 partitions, so every pass's tree aggregation has a shuffle level of its own to release.
        var points = ctx.Parallelize(Points(400, seed: 5), 8).Cache();
        Assert.Equal(400, await points.CountAsync(Ct));

        var shortRun = await TrainAsync(points, 100);
        Assert.Equal(100, shortRun.TotalIterations);
        var heapAfterShortRun = HeapAfterFullGc();
        var filesAfterShortRun = FilesUnder(_dir.Path);

        var longRun = await TrainAsync(points, 1_000);
        Assert.Equal(1_000, longRun.TotalIterations);
        Assert.Equal(1_001, longRun.Passes); // one per step, then the final objective over every row
        Assert.Equal(filesAfterShortRun, FilesUnder(_dir.Path));
        var growth = HeapAfterFullGc() - heapAfterShortRun;
        Assert.True(growth < HeapGrowthLimit, $"the heap grew by {growth} bytes over a 1,000-iteration run (limit {HeapGrowthLimit})");
        GC.KeepAlive(shortRun);
    }

    private static async Task<TrainingSummary> TrainAsync(Rdd<LabeledPoint> points, int iterations)
    {
        // Tolerance 0: the run takes every iteration (SGD's objective never repeats exactly).
        var model = await new LogisticRegression
        {
            Optimizer = TrainingOptimizer.Sgd, MaxIterations = iterations, Tolerance = 0, StepSize = 0.5, RegParam = 0.01,
        }.FitAsync(points, Ct);
        return model.Summary!;
    }

    private static LabeledPoint[] Points(int n, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ =>
        {
            var x = new[] { rng.NextDouble() - 0.5, rng.NextDouble() - 0.5, rng.NextDouble() - 0.5 };
            var label = rng.NextDouble() < 1 / (1 + Math.Exp(-(2 * x[0]) + x[1])) ? 1.0 : 0.0;
            return new LabeledPoint(label, Vectors.Dense(x));
        })];
    }

    private static long HeapAfterFullGc()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static int FilesUnder(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Count() : 0;
}

using Dataflow.Configuration;
using Dataflow.MLlib.Classification;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Feature;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Tests.Support;
using Dataflow.MLlib.Training;

namespace Dataflow.MLlib.Tests.Training;

/// <summary>
/// Device-resident blocks through training on ILGPU's CPU accelerator, configured by the keys
/// (<c>Dataflow:ML:Device</c>, <c>Dataflow:ML:DeviceMemory</c>): with room for every block, iterations after the first
/// move only the model up; with a budget of one block the others stream every pass and the result stays the same.
/// </summary>
public sealed class DeviceResidencyTests
{
    private const int Features = 30;
    private const int Partitions = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LogisticRegression_BlocksFit_LaterIterationsUploadOnlyTheModel()
    {
        var (model, rows) = await FitAsync(deviceMemory: null);
        var iterations = model.Summary!.Iterations;

        Assert.True(iterations.Count >= 3, $"{iterations.Count} iterations");
        Assert.Equal(Partitions, iterations[0].DeviceTransfers.BlockUploads);
        Assert.True(iterations[0].DeviceTransfers.BytesUploaded >= BlockBytes(rows.Sum()), $"first pass uploaded {iterations[0].DeviceTransfers.BytesUploaded} bytes");
        foreach (var it in iterations.Skip(1))
        {
            Assert.Equal(0, it.DeviceTransfers.BlockUploads);
            // Per pass and block: the coefficients and the intercept, float64.
            Assert.Equal((long)it.Passes * Partitions * (Features + 1) * sizeof(double), it.DeviceTransfers.BytesUploaded);
            Assert.True(it.DeviceTransfers.BytesDownloaded > 0);
        }
    }

    [Fact]
    public async Task LogisticRegression_BudgetOfOneBlock_StreamsTheOthersWithTheSameResult()
    {
        var (resident, rows) = await FitAsync(deviceMemory: null);
        var sorted = rows.Order().ToArray();
        // A budget that holds the largest block but no two blocks: exactly one stays resident.
        var budget = BlockBytes(sorted[^1]);
        Assert.True(BlockBytes(sorted[0]) + BlockBytes(sorted[1]) > budget, string.Join(", ", rows));

        var (streamed, _) = await FitAsync(budget);

        var iterations = streamed.Summary!.Iterations;
        Assert.Equal(Partitions, iterations[0].DeviceTransfers.BlockUploads);
        foreach (var it in iterations.Skip(1))
            Assert.Equal((long)it.Passes * (Partitions - 1), it.DeviceTransfers.BlockUploads);
        Assert.Equal(resident.Summary!.Objective, streamed.Summary.Objective, 1e-12 * resident.Summary.Objective);
        Assert.Equal(resident.Summary.TotalIterations, streamed.Summary.TotalIterations);
        for (var j = 0; j < Features; j++)
            Assert.Equal(resident.Coefficients[j], streamed.Coefficients[j], 1e-9);
    }

    // Dense block on the device: float32 values, float64 labels and norms.
    private static long BlockBytes(long rows) => rows * ((Features * sizeof(float)) + (2 * sizeof(double)));

    private static async Task<(LogisticRegressionModel Model, long[] Rows)> FitAsync(long? deviceMemory)
    {
        MLOptions.Register();
        var options = new DataflowOptions { Master = "local[2]" };
        var ml = options.Section<MLOptions>();
        ml.Device = "ilgpu-cpu";
        if (deviceMemory is { } bytes)
            ml.DeviceMemory = new ByteSize(bytes);
        await using var ctx = new DataflowContext(options);
        var loaded = await ctx.LoadCsvAsync(DataFiles.Path("breast_cancer.csv"), minPartitions: Partitions, cancellationToken: Ct);
        var points = loaded.NumPartitions == Partitions ? loaded : loaded.Repartition(Partitions);
        points = (await new StandardScaler().FitAsync(points, Ct)).Transform(points).Cache();
        var rows = (await points.SelectPartitions(static p => new[] { (long)p.Count() }).ToListAsync(Ct)).ToArray();
        Assert.Equal(Partitions, rows.Length);
        var model = await new LogisticRegression { RegParam = 1.0 / 569, MaxIterations = 8, Tolerance = 0 }.FitAsync(points, Ct);
        return (model, rows);
    }
}

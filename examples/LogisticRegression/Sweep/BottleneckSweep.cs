using System.Globalization;
using Dataflow.MLlib;
using Dataflow.Configuration;
using LogisticRegressionEstimator = Dataflow.MLlib.Classification.LogisticRegression;
using Dataflow.MLlib.Kernels;

namespace Dataflow.Examples.Bottleneck;

/// <summary>
/// The iterative-training bottleneck, measured: for each mode (local, cluster), device and layout, logistic regression
/// at growing model sizes d on a fixed data volume per partition, with each iteration's time split into compute,
/// broadcast, aggregate, scheduling and driver update. Writes <c>bottleneck.csv</c> and the plots
/// (<see cref="SweepReport"/>) and prints, per configuration, the d from which communication exceeds compute.
/// </summary>
internal static class BottleneckSweep
{
    /// <summary>Runs every configuration of <paramref name="settings"/>; progress goes to <paramref name="log"/>, the summary to <paramref name="output"/>.</summary>
    public static async Task<IReadOnlyList<SweepRow>> RunAsync(SweepSettings settings, TextWriter output, TextWriter log, CancellationToken cancellationToken)
    {
        MLOptions.Register();
        Directory.CreateDirectory(settings.OutputDirectory);
        var rows = new List<SweepRow>();
        foreach (var (label, master) in settings.Modes)
        {
            await using var ctx = new DataflowContext(new DataflowOptions { Master = master, AppName = "bottleneck-sweep" });
            foreach (var device in settings.Devices)
            {
                foreach (var sparse in new[] { false, true })
                {
                    foreach (var d in settings.Sizes)
                    {
                        if (!sparse && d > settings.DenseLimit)
                            continue;
                        var started = DateTime.UtcNow;
                        var run = await RunOneAsync(ctx, label, device, sparse, d, settings, cancellationToken);
                        rows.AddRange(run);
                        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"bottleneck: {label} {BlockKernels.Format(device)} {(sparse ? "csr" : "dense")} d={d}: {run.Count} iterations in {(DateTime.UtcNow - started).TotalSeconds:F1} s"));
                    }
                }
            }
        }

        await File.WriteAllLinesAsync(Path.Combine(settings.OutputDirectory, "bottleneck.csv"), [SweepRow.Header, .. rows.Select(r => r.ToCsv())], cancellationToken);
        SweepReport.Write(rows, settings.OutputDirectory, output);
        return rows;
    }

    private static async Task<List<SweepRow>> RunOneAsync(DataflowContext ctx, string mode, KernelDevice device, bool sparse, int d, SweepSettings settings,
        CancellationToken cancellationToken)
    {
        var perPartition = SweepData.RowsPerPartition(settings.VolumeBytes, d, sparse);
        var points = SweepData.Generate(ctx, settings.Partitions, perPartition, d, sparse, settings.Seed + d);
        var estimator = new LogisticRegressionEstimator { MaxIterations = settings.Iterations, Tolerance = 0, RegParam = 1e-4, Device = device };
        var model = await estimator.FitAsync(points, cancellationToken);
        var layout = sparse ? "csr" : "dense";
        var total = (long)perPartition * settings.Partitions;
        return [.. model.Summary!.Iterations.Select(i => new SweepRow(mode, BlockKernels.Format(device), layout, d, i.Iteration, i.Passes, total, settings.Partitions,
            i.WallSeconds, i.ComputeSeconds, i.BroadcastSeconds, i.AggregateSeconds, i.SchedulingSeconds, i.DriverSeconds, i.MaxKernelSeconds, i.MaxBroadcastFetchSeconds,
            i.BroadcastBytes, i.PartialResultBytes, i.DeviceTransfers.BlockUploads, i.DeviceTransfers.BytesUploaded, i.DeviceTransfers.BytesDownloaded))];
    }
}

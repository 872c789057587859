using System.Globalization;
using System.Text;

namespace Dataflow.Examples.Bottleneck;

/// <summary>One iteration of one sweep configuration: a row of <c>bottleneck.csv</c>.</summary>
/// <param name="Mode">Where it ran: the master (<c>local[2]</c>) or <c>cluster</c>.</param>
/// <param name="Device">The kernels' device (<c>cpu</c>, <c>gpu</c>, <c>ilgpu-cpu</c>).</param>
/// <param name="Layout"><c>dense</c> or <c>csr</c>.</param>
/// <param name="D">The model size (features).</param>
/// <param name="Iteration">The L-BFGS iteration (0: the starting point's evaluation).</param>
/// <param name="Passes">Passes over the data in the iteration.</param>
/// <param name="Rows">Training rows in all.</param>
/// <param name="Partitions">Partitions (one block each).</param>
/// <param name="WallSeconds">The iteration's wall time.</param>
/// <param name="ComputeSeconds">First task start to the end of the kernel stage.</param>
/// <param name="BroadcastSeconds">Creating and destroying the model's broadcast.</param>
/// <param name="AggregateSeconds">The tree aggregation after the kernel stage.</param>
/// <param name="SchedulingSeconds">Job submission to the first task's start.</param>
/// <param name="DriverSeconds">The optimizer's step on the driver.</param>
/// <param name="KernelSeconds">The longest time one task spent in the kernels.</param>
/// <param name="BroadcastFetchSeconds">The longest time one task waited for the model's broadcast (inside the compute phase).</param>
/// <param name="BroadcastBytes">The model's serialised size, over the passes.</param>
/// <param name="PartialBytes">The partial results' serialised size, over the passes.</param>
/// <param name="DeviceBlockUploads">Blocks uploaded to the device.</param>
/// <param name="DeviceBytesUp">Bytes copied to the device.</param>
/// <param name="DeviceBytesDown">Bytes copied back.</param>
internal sealed record SweepRow(string Mode, string Device, string Layout, int D, int Iteration, int Passes, long Rows, int Partitions,
    double WallSeconds, double ComputeSeconds, double BroadcastSeconds, double AggregateSeconds, double SchedulingSeconds, double DriverSeconds,
    double KernelSeconds, double BroadcastFetchSeconds, long BroadcastBytes, long PartialBytes, long DeviceBlockUploads, long DeviceBytesUp, long DeviceBytesDown)
{
    /// <summary>The CSV header, in column order.</summary>
    public const string Header = "mode,device,layout,d,iteration,passes,rows,partitions,wall_s,compute_s,broadcast_s,aggregate_s,scheduling_s,driver_s," +
        "kernel_s,broadcast_fetch_s,broadcast_bytes,partial_bytes,device_block_uploads,device_bytes_up,device_bytes_down";

    /// <summary>
    /// The iteration split for the plots and the crossover, in the order of <see cref="SweepReport"/>'s parts: kernel
    /// compute (the slowest task's kernel time); broadcast (the driver's, plus the slowest task's wait for it);
    /// task overhead and result transfer (the rest of the compute phase: launching the tasks, reading the cached
    /// blocks, serialising and shipping the partial results); aggregate; scheduling; driver update.
    /// </summary>
    public double[] Split()
    {
        var kernel = Math.Min(KernelSeconds, ComputeSeconds);
        var fetch = Math.Min(BroadcastFetchSeconds, ComputeSeconds - kernel);
        return [kernel, BroadcastSeconds + fetch, ComputeSeconds - kernel - fetch, AggregateSeconds, SchedulingSeconds, DriverSeconds];
    }

    /// <summary>The row as CSV (invariant numbers; the text fields never hold commas or quotes).</summary>
    public string ToCsv()
    {
        var line = new StringBuilder();
        line.AppendJoin(',', Mode, Device, Layout);
        foreach (var value in new object[] { D, Iteration, Passes, Rows, Partitions, WallSeconds, ComputeSeconds, BroadcastSeconds, AggregateSeconds,
            SchedulingSeconds, DriverSeconds, KernelSeconds, BroadcastFetchSeconds, BroadcastBytes, PartialBytes, DeviceBlockUploads, DeviceBytesUp, DeviceBytesDown })
        {
            line.Append(',').Append(value is double x ? x.ToString("G6", CultureInfo.InvariantCulture) : Convert.ToString(value, CultureInfo.InvariantCulture));
        }

        return line.ToString();
    }
}

using System.Globalization;
using Dataflow.Plotting;

namespace Dataflow.Examples.Bottleneck;

/// <summary>
/// The sweep's plots and summary: per mode and device, stacked bars of the median iteration's parts at each layout
/// and d (<c>breakdown-MODE-DEVICE.png</c>, parts as <see cref="SweepRow.Split"/>); the communication share against
/// log10 d for every configuration (<c>communication-share.png</c>); and, printed, each configuration's crossover:
/// the smallest d at which communication takes longer than kernel compute. Communication is the broadcast (the
/// driver's and the tasks' wait for it), the task overhead and result transfer, and the aggregation.
/// </summary>
internal static class SweepReport
{
    private static readonly string[] Parts = ["kernel compute", "broadcast", "task overhead + result transfer", "aggregate", "scheduling", "driver update"];

    public static void Write(IReadOnlyList<SweepRow> rows, string directory, TextWriter output)
    {
        var medians = Medians(rows);
        foreach (var group in medians.GroupBy(m => (m.Mode, m.Device)))
        {
            var bars = group.OrderByDescending(m => m.Layout, StringComparer.Ordinal).ThenBy(m => m.D).ToList();
            Charts.StackedBars(Path.Combine(directory, $"breakdown-{Slug(group.Key.Mode)}-{group.Key.Device}.png"),
                $"Median iteration time by model size: {group.Key.Mode}, {group.Key.Device} kernels", "layout and model size d", "seconds per iteration",
                [.. bars.Select(b => $"{b.Layout} {Power(b.D)}")],
                [.. Parts.Select((part, k) => new Series(part, [.. bars.Select(b => b.Parts[k])]))]);
        }

        Charts.Lines(Path.Combine(directory, "communication-share.png"), "Communication share of an iteration (broadcast, task + result transfer, aggregate)", "log10 d",
            "share of the iteration", [.. medians.GroupBy(m => (m.Mode, m.Device, m.Layout)).Select(g =>
                new LineSeries($"{g.Key.Mode} {g.Key.Device} {g.Key.Layout}", [.. g.Select(m => Math.Log10(m.D))], [.. g.Select(m => m.Share)]))]);

        output.WriteLine("mode        device     layout  d      kernel_ms  broadcast_ms  task+result_ms  aggregate_ms  scheduling_ms  driver_ms  comm_share");
        foreach (var m in medians)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{m.Mode,-11} {m.Device,-10} {m.Layout,-7} {Power(m.D),-6} {m.Parts[0] * 1e3,9:F2}  {m.Parts[1] * 1e3,12:F2}  {m.Parts[2] * 1e3,14:F2}  {m.Parts[3] * 1e3,12:F2}  {m.Parts[4] * 1e3,13:F2}  {m.Parts[5] * 1e3,9:F2}  {m.Share,10:F3}"));
        }

        foreach (var g in medians.GroupBy(m => (m.Mode, m.Device, m.Layout)))
        {
            var first = g.FirstOrDefault(m => m.Communication > m.Parts[0]);
            output.WriteLine(first is null
                ? $"crossover {g.Key.Mode} {g.Key.Device} {g.Key.Layout}: communication stays below compute up to d = {Power(g.Max(m => m.D))}"
                : string.Create(CultureInfo.InvariantCulture,
                    $"crossover {g.Key.Mode} {g.Key.Device} {g.Key.Layout}: communication exceeds compute from d = {Power(first.D)} (communication {first.Communication * 1e3:F2} ms, kernel compute {first.Parts[0] * 1e3:F2} ms)"));
        }
    }

    /// <summary>Per configuration, the median of each part over its iterations after the first (the first evaluation warms caches and uploads).</summary>
    internal static List<Median> Medians(IReadOnlyList<SweepRow> rows) =>
        [.. rows.GroupBy(r => (r.Mode, r.Device, r.Layout, r.D)).Select(g =>
        {
            var used = g.Where(r => r.Iteration > 0).ToList() is { Count: > 0 } later ? later : [.. g];
            double[] parts = [.. Enumerable.Range(0, Parts.Length).Select(k => Of(used, r => r.Split()[k]))];
            var sum = parts.Sum();
            return new Median(g.Key.Mode, g.Key.Device, g.Key.Layout, g.Key.D, parts, sum > 0 ? (parts[1] + parts[2] + parts[3]) / sum : 0);
        }).OrderBy(m => m.Mode, StringComparer.Ordinal).ThenBy(m => m.Device, StringComparer.Ordinal).ThenBy(m => m.Layout, StringComparer.Ordinal).ThenBy(m => m.D)];

    private static double Of(List<SweepRow> rows, Func<SweepRow, double> part)
    {
        var values = rows.Select(part).Order().ToArray();
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
    }

    private static string Power(int d) => Math.Log10(d) is var e && Math.Abs(e - Math.Round(e)) < 1e-9
        ? string.Create(CultureInfo.InvariantCulture, $"1e{Math.Round(e)}")
        : d.ToString(CultureInfo.InvariantCulture);

    private static string Slug(string mode) => new string([.. mode.Select(c => char.IsLetterOrDigit(c) ? c : '-')]).Trim('-');

    /// <summary>One configuration's median parts (as <see cref="SweepRow.Split"/>) and communication share.</summary>
    internal sealed record Median(string Mode, string Device, string Layout, int D, double[] Parts, double Share)
    {
        /// <summary>Broadcast, task overhead and result transfer, and aggregation.</summary>
        public double Communication => Parts[1] + Parts[2] + Parts[3];
    }
}

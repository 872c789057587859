namespace Dataflow.Examples.PsExperiment;

/// <summary>
/// One row of results.csv: one worker's clock (PS modes) or one iteration (driver and rdd, worker <c>all</c>); the
/// values are that clock's, not cumulative. <see cref="Clock"/> counts from 0, as the parameter server's clocks do: a
/// worker's updates between its c-th and (c + 1)-th <c>Clock()</c> call (the first call ends clock 0) belong to clock c,
/// and driver iteration c (from 0) makes update c + 1. <see cref="Objective"/>, on the rows of clocks 0, E, 2E, …, is
/// the model's once every worker finished that clock: it includes the updates of clocks 0 … c.
/// </summary>
internal sealed record ResultRow(string Mode, string Worker, int Clock, double WallSeconds, double? Objective, double ComputeSeconds,
    double CommunicationSeconds, double WaitSeconds, long BytesSent, long BytesReceived);

/// <summary>An injected slow clock as it ran: the kernel time measured and the sleep added.</summary>
internal sealed record SlowClockRow(string Mode, int Worker, int Clock, double Factor, double ComputeSeconds, double SleptSeconds);

/// <summary>What one mode's run produced.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="Rows">Its results.csv rows.</param>
/// <param name="FinalObjective">The full-data objective of the final model.</param>
/// <param name="Clocks">Clocks (iterations) run: the fewest of any worker in PS modes.</param>
/// <param name="TrainingSeconds">Wall time of the training.</param>
/// <param name="SlowClocks">The injected slow clocks as they ran.</param>
/// <param name="StoppedByTime">Whether <c>--max-seconds</c> ended the training before <c>--clocks</c>.</param>
/// <param name="Error">Why the mode failed (e.g. a model too large for the driver's messages), or null: a failed mode has
/// no rows and the experiment goes on with the next mode.</param>
/// <param name="Note">Something the summary must say about the run (a retried PS stage), or null.</param>
internal sealed record ModeResult(ModeSpec Mode, IReadOnlyList<ResultRow> Rows, double FinalObjective, int Clocks, double TrainingSeconds,
    IReadOnlyList<SlowClockRow> SlowClocks, bool StoppedByTime = false, string? Error = null, string? Note = null)
{
    public static ModeResult Failed(ModeSpec mode, string error) => new(mode, [], double.NaN, 0, 0, [], Error: error);

    /// <summary>(wall seconds, objective) at each evaluated clock: for PS the slowest worker's end of that clock.</summary>
    public IReadOnlyList<(int Clock, double Wall, double Objective)> Curve => [.. Rows.Where(r => r.Objective is not null)
        .GroupBy(r => r.Clock).OrderBy(g => g.Key).Select(g => (g.Key, g.Max(r => r.WallSeconds), g.First().Objective!.Value))];

    public double? TimeTo(double target) => Curve.Where(p => p.Objective <= target).Select(p => (double?)p.Wall).FirstOrDefault();

    /// <summary>The first evaluated clock at or below <paramref name="target"/>.</summary>
    public int? ClockTo(double target) => Curve.Where(p => p.Objective <= target).Select(p => (int?)p.Clock).FirstOrDefault();

    /// <summary>Mean wall time of a clock: the last row's wall seconds over the clocks (PS: the slowest worker's end).</summary>
    public double SecondsPerClock => Rows.Count == 0 || Clocks == 0 ? 0 : Rows.Max(r => r.WallSeconds) / Clocks;

    public long Bytes => Rows.Sum(r => r.BytesSent + r.BytesReceived);

    public double WaitShare
    {
        get
        {
            var total = Rows.Sum(r => r.ComputeSeconds + r.CommunicationSeconds + r.WaitSeconds);
            return total > 0 ? Rows.Sum(r => r.WaitSeconds) / total : 0;
        }
    }
}

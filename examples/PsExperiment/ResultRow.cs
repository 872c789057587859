namespace Dataflow.Examples.PsExperiment;

/// <summary>
/// One row of results.csv: one worker's clock (PS modes) or one iteration (driver and rdd, worker <c>all</c>); the
/// values are that clock's, not cumulative. <see cref="Clock"/> counts from 1 (the k-th clock or iteration).
/// </summary>
internal sealed record ResultRow(string Mode, string Worker, int Clock, double WallSeconds, double? Objective, double ComputeSeconds,
    double CommunicationSeconds, double WaitSeconds, long BytesSent, long BytesReceived);

/// <summary>An injected slow clock as it ran: the kernel time measured and the sleep added.</summary>
internal sealed record SlowClockRow(string Mode, int Worker, int Clock, double Factor, double ComputeSeconds, double SleptSeconds);

/// <summary>What one mode's run produced.</summary>
internal sealed record ModeResult(ModeSpec Mode, IReadOnlyList<ResultRow> Rows, double FinalObjective, int Clocks, double TrainingSeconds,
    IReadOnlyList<SlowClockRow> SlowClocks)
{
    /// <summary>(wall seconds, objective) at each evaluated clock: for PS the slowest worker's end of that clock.</summary>
    public IReadOnlyList<(int Clock, double Wall, double Objective)> Curve => [.. Rows.Where(r => r.Objective is not null)
        .GroupBy(r => r.Clock).OrderBy(g => g.Key).Select(g => (g.Key, g.Max(r => r.WallSeconds), g.First().Objective!.Value))];

    public double? TimeTo(double target) => Curve.Where(p => p.Objective <= target).Select(p => (double?)p.Wall).FirstOrDefault();

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

using System.Globalization;
using Dataflow.CommandLine;
using Dataflow.MLlib.ParameterServer;

namespace Dataflow.Examples.PsExperiment;

/// <summary>
/// <c>--straggler w:f[:p]</c>: worker w (from 0) is slowed by factor f on a seeded random fraction p (default 0.5) of
/// its clocks, by sleeping (f − 1) × the compute time it measured in each of them.
/// </summary>
internal sealed record StragglerSpec(int Worker, double Factor, double Fraction)
{
    public const double DefaultFraction = 0.5;

    public static StragglerSpec Parse(string raw, int workers)
    {
        var parts = raw.Split(':');
        if (parts.Length is < 2 or > 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var worker)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var factor)
            || !double.IsFinite(factor) || factor < 1)
        {
            throw new UsageException($"--straggler must be worker:factor[:fraction] with worker ≥ 0 and factor ≥ 1 (e.g. 0:3:0.5), got '{raw}'.");
        }

        var fraction = DefaultFraction;
        if (parts.Length == 3 && (!double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out fraction) || !(fraction >= 0 && fraction <= 1)))
        {
            throw new UsageException($"--straggler '{raw}': the fraction of slowed clocks must be in [0, 1].");
        }

        if (worker >= workers)
        {
            throw new UsageException($"--straggler '{raw}': worker {worker} does not exist; --workers {workers} numbers them 0 … {workers - 1}.");
        }

        return new StragglerSpec(worker, factor, fraction);
    }

    /// <summary>
    /// The slowed clocks (0-based) of this straggler in a run of <paramref name="clocks"/> clocks: exactly
    /// round(p × clocks) of them, the first of a Fisher–Yates shuffle of 0 … clocks − 1 drawn from
    /// <c>new Random(seed + 1000003 × (worker + 1))</c>, ascending.
    /// </summary>
    public int[] SlowClocks(int clocks, long seed)
    {
        var order = Enumerable.Range(0, clocks).ToArray();
        var random = new Random(unchecked((int)(seed + (1000003L * (Worker + 1)))));
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var count = (int)Math.Round(Fraction * clocks, MidpointRounding.AwayFromZero);
        return [.. order.Take(count).Order()];
    }

    public static ClockSlowdown[] Plan(IReadOnlyList<StragglerSpec> stragglers, int clocks, long seed) =>
        [.. stragglers.SelectMany(s => s.SlowClocks(clocks, seed).Select(c => new ClockSlowdown(s.Worker, c, s.Factor)))];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Worker}:{Factor}:{Fraction}");
}

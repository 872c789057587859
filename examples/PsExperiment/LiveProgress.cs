using System.Diagnostics;
using System.Globalization;
using Dataflow.MLlib.Optimization;
using Dataflow.MLlib.RddModel;

namespace Dataflow.Examples.PsExperiment;

/// <summary>
/// One mode's progress on standard error while it trains: a line per evaluated clock (mode, clock, objective, elapsed
/// seconds since the mode started). Driver and rdd report the objective as training computes it: iteration t's
/// full-batch objective is the model after update t − 1, i.e. after clock t − 2 (clocks from 0). PS modes report when
/// every worker has finished an evaluated clock (the shards' snapshot appears); their objective is evaluated from the
/// snapshots after training, so it costs no training time, and is reported then.
/// </summary>
internal sealed class LiveProgress(string program, string mode, int evalEvery) : IProgress<IterationRecord>, IProgress<RddIterationTimings>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Report(IterationRecord value) => Iteration(value.Iteration, value.Value);

    public void Report(RddIterationTimings value) => Iteration(value.Iteration, value.Objective);

    /// <summary>Every worker finished clock <paramref name="clock"/> (PS).</summary>
    public void Finished(int clock) => Write($"clock {clock} finished by every worker");

    /// <summary>A PS clock's objective, evaluated after training.</summary>
    public void Evaluated(int clock, double objective, double wall) =>
        Write(string.Create(CultureInfo.InvariantCulture, $"clock {clock} objective {objective:G6} (from the servers' state when the slowest worker finished the clock at {wall:F2} s)"));

    public void Line(string text) => Write(text);

    private void Iteration(int iteration, double objective)
    {
        var clock = iteration - 2;
        if (clock >= 0 && clock % evalEvery == 0)
        {
            Write(string.Create(CultureInfo.InvariantCulture, $"clock {clock} objective {objective:G6}"));
        }
    }

    private void Write(string text) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{program}: {mode}: {text}, elapsed {_clock.Elapsed.TotalSeconds:F2} s"));
}

using System.Diagnostics;
using Dataflow.MLlib.Kernels;
using Microsoft.Extensions.Logging;

namespace Dataflow.MLlib.Clustering;

/// <summary>
/// Lloyd's iterations for several runs at once over cached blocks: each iteration broadcasts the centres of the runs
/// still active (one broadcast, destroyed when the iteration ends), runs one assignment job for all of them, and
/// moves every centre to the mean of its rows; a run that moved no centre farther than the tolerance stops. A last
/// job computes the final cost and cluster sizes of every run.
/// </summary>
internal sealed class LloydIterations(Rdd<InstanceBlock> blocks, int k, int features, int maxIterations, double tolerance, int depth,
    ILogger logger, string callerFile, int callerLine)
{
    /// <summary>Per run: final centres (row-major), final cost, cost per iteration, convergence, cluster sizes; and the time of each iteration.</summary>
    internal sealed record Result(double[][] Centers, double[] Costs, List<double>[] History, bool[] Converged, long[][] Sizes, List<TimeSpan> Times);

    public async Task<Result> RunAsync(double[][] initial, CancellationToken cancellationToken)
    {
        var runs = initial.Length;
        var centers = initial.Select(c => (double[])c.Clone()).ToArray();
        var history = Enumerable.Range(0, runs).Select(_ => new List<double>()).ToArray();
        var converged = new bool[runs];
        var times = new List<TimeSpan>();
        for (var iteration = 1; iteration <= maxIterations; iteration++)
        {
            var active = Enumerable.Range(0, runs).Where(r => !converged[r]).ToArray();
            if (active.Length == 0)
                break;
            var started = Stopwatch.GetTimestamp();
            var moved = await StepAsync(active, centers, history, cancellationToken);
            for (var a = 0; a < active.Length; a++)
                converged[active[a]] = moved[a] <= tolerance;
            times.Add(Stopwatch.GetElapsedTime(started));
            logger.LogInformation("k-means iteration {Iteration}: {Active} runs, cost {Cost} (run {Run}), largest centre move {Moved}.",
                iteration, active.Length, history[active[0]][^1], active[0], moved.Max());
        }

        var (costs, sizes) = await FinalCostsAsync(centers, cancellationToken);
        return new Result(centers, costs, history, converged, sizes, times);
    }

    // One iteration for the active runs: returns, per active run, how far its farthest-moving centre moved.
    private async Task<double[]> StepAsync(int[] active, double[][] centers, List<double>[] history, CancellationToken cancellationToken)
    {
        var broadcast = blocks.Context.Broadcast(CenterSets.Of([.. active.Select(r => centers[r])], features), callerFile, callerLine);
        try
        {
            var totals = await KMeansPasses.AssignAsync(blocks, broadcast, depth, cancellationToken, callerFile, callerLine);
            var empty = active.Select((_, a) => Enumerable.Range(0, k).Where(c => totals.Counts[(a * k) + c] == 0).ToArray()).ToArray();
            var reseeds = empty.Any(e => e.Length > 0)
                ? await KMeansPasses.FarthestAsync(blocks, broadcast, [.. empty.Select(e => e.Length)], cancellationToken, callerFile, callerLine)
                : null;
            var moved = new double[active.Length];
            for (var a = 0; a < active.Length; a++)
            {
                var r = active[a];
                history[r].Add(totals.Costs[a]);
                var next = new double[k * features];
                for (var c = 0; c < k; c++)
                {
                    var count = totals.Counts[(a * k) + c];
                    var target = next.AsSpan(c * features, features);
                    if (count > 0)
                    {
                        var sums = totals.Sums.AsSpan(((a * k) + c) * features, features);
                        for (var j = 0; j < features; j++)
                            target[j] = sums[j] / count;
                    }
                    else
                    {
                        // The i-th empty cluster takes the i-th farthest row; with none left at a positive distance it stays.
                        var i = Array.IndexOf(empty[a], c);
                        var seed = reseeds![a].Count > i && reseeds[a][i].Distance > 0 ? reseeds[a][i].Values : centers[r].AsSpan(c * features, features).ToArray();
                        seed.CopyTo(target);
                    }

                    moved[a] = Math.Max(moved[a], Math.Sqrt(CenterSets.SquaredDistance(target, centers[r].AsSpan(c * features, features))));
                }

                centers[r] = next;
            }

            return moved;
        }
        finally
        {
            await broadcast.DestroyAsync();
        }
    }

    private async Task<(double[] Costs, long[][] Sizes)> FinalCostsAsync(double[][] centers, CancellationToken cancellationToken)
    {
        var broadcast = blocks.Context.Broadcast(CenterSets.Of(centers, features), callerFile, callerLine);
        try
        {
            var totals = await KMeansPasses.AssignAsync(blocks, broadcast, depth, cancellationToken, callerFile, callerLine);
            return (totals.Costs, [.. Enumerable.Range(0, centers.Length).Select(r => totals.Counts.AsSpan(r * k, k).ToArray())]);
        }
        finally
        {
            await broadcast.DestroyAsync();
        }
    }
}

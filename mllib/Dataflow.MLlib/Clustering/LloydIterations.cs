using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Training;
using Microsoft.Extensions.Logging;

namespace Dataflow.MLlib.Clustering;

/// <summary>
/// Lloyd's iterations for several runs at once over cached blocks: each iteration is one <see cref="BlockPass"/>
/// (one broadcast of the centres of every run still active, destroyed when the pass ends; one assignment job for all
/// of them), after which every centre moves to the mean of its rows; a run that moved no centre farther than the
/// tolerance stops. The iterations' timings go to an <see cref="IterationRecorder"/>. A last pass computes the final
/// cost and cluster sizes of every run.
/// </summary>
internal sealed class LloydIterations(Rdd<InstanceBlock> blocks, int k, int features, int maxIterations, double tolerance, int depth,
    IBlockKernels kernels, ILogger logger)
{
    /// <summary>Per run: final centres (row-major), final cost, cost per iteration, convergence, cluster sizes; and each iteration's timings.</summary>
    internal sealed record Result(double[][] Centers, double[] Costs, List<double>[] History, bool[] Converged, long[][] Sizes,
        IReadOnlyList<IterationTimings> Timings);

    public async Task<Result> RunAsync(double[][] initial, CancellationToken cancellationToken)
    {
        var runs = initial.Length;
        var centers = initial.Select(c => (double[])c.Clone()).ToArray();
        var history = Enumerable.Range(0, runs).Select(_ => new List<double>()).ToArray();
        var converged = new bool[runs];
        IReadOnlyList<IterationTimings> timings;
        await using (var recorder = new IterationRecorder(blocks.Context))
        {
            for (var iteration = 1; iteration <= maxIterations; iteration++)
            {
                var active = Enumerable.Range(0, runs).Where(r => !converged[r]).ToArray();
                if (active.Length == 0)
                    break;
                var moved = await StepAsync(active, centers, history, recorder, cancellationToken);
                for (var a = 0; a < active.Length; a++)
                    converged[active[a]] = moved[a] <= tolerance;
                var cost = active.Min(r => history[r][^1]);
                recorder.EndIteration(iteration, cost);
                logger.LogInformation("k-means iteration {Iteration}: {Active} runs, lowest cost {Cost}, largest centre move {Moved}.",
                    iteration, active.Length, cost, moved.Max());
            }

            timings = await recorder.CompleteAsync();
        }

        var final = await KMeansPasses.AssignAsync(blocks, centers, k, features, kernels, depth, null, cancellationToken);
        var sizes = Enumerable.Range(0, runs).Select(r => final.Counts.AsSpan(r * k, k).ToArray()).ToArray();
        return new Result(centers, final.Costs, history, converged, sizes, timings);
    }

    // One iteration for the active runs: returns, per active run, how far its farthest-moving centre moved.
    private async Task<double[]> StepAsync(int[] active, double[][] centers, List<double>[] history, IterationRecorder recorder,
        CancellationToken cancellationToken)
    {
        var current = active.Select(r => centers[r]).ToArray();
        var totals = await KMeansPasses.AssignAsync(blocks, current, k, features, kernels, depth, recorder, cancellationToken);
        var empty = active.Select((_, a) => Enumerable.Range(0, k).Where(c => totals.Counts[(a * k) + c] == 0).ToArray()).ToArray();

        // Rare (duplicate or stranded centres): one more job finds the rows farthest from their centres.
        var reseeds = empty.Any(e => e.Length > 0)
            ? await KMeansPasses.FarthestAsync(blocks, CenterSets.Of(current, features), [.. empty.Select(e => e.Length)], kernels, cancellationToken)
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
                var old = centers[r].AsSpan(c * features, features);
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
                    var found = reseeds![a];
                    (found.Count > i && found[i].Distance > 0 ? found[i].Values : old).CopyTo(target);
                }

                moved[a] = Math.Max(moved[a], Math.Sqrt(CenterSets.SquaredDistance(target, old)));
            }

            centers[r] = next;
        }

        return moved;
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Training;
using CenterSet = (double[][] Centers, double[][] Norms);
using DataDescription = (long Rows, int Features, (ulong Key, double[] Values)[][] Picks);
using LloydTotals = (double[] Sums, long[] Counts, double[] Costs);

namespace Dataflow.MLlib.Clustering;

/// <summary>
/// The passes of k-means over the cached blocks, each exactly one engine job whatever the number of runs: the
/// description of the data (with the random picks that start the runs), the Lloyd assignment (sums, counts and cost
/// of every run at once) and the search for the points farthest from their centres that re-seed empty clusters.
/// The per-block work is the kernels' (<see cref="IBlockKernels.KMeansAssign"/>,
/// <see cref="IBlockKernels.NearestCenters"/>); partial results are tree-aggregated, never collected per row.
/// </summary>
internal static class KMeansPasses
{
    /// <summary>The purpose numbers that keep the draws of different uses of one seed apart.</summary>
    internal const long PickDraws = 1;

    /// <summary>
    /// Counts the rows, checks every partition has the same feature count, and picks for each run the
    /// <paramref name="picksPerRun"/> rows with the smallest keys <c>hash(seed, run, partition, row)</c>: a uniform
    /// sample without replacement that does not depend on where or in what order the partitions run.
    /// </summary>
    public static async Task<DataDescription> DescribeAsync(Rdd<InstanceBlock> blocks, long seed, int runs, int picksPerRun, int depth,
        CancellationToken cancellationToken, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var empty = ((long)0, -1, Array.Empty<(ulong, double[])[]>());
        return await blocks
            .SelectPartitions((index, partition) => new[] { Describe(index, partition, seed, runs, picksPerRun) }, false, callerFile, callerLine)
            .TreeAggregateAsync(empty, (a, b) => MergeDescriptions(a, b, picksPerRun), (a, b) => MergeDescriptions(a, b, picksPerRun),
                depth, cancellationToken, callerFile, callerLine);
    }

    /// <summary>
    /// One Lloyd assignment for every run in <paramref name="centers"/> (each k × features, row-major), as one
    /// <see cref="BlockPass"/>: per run, the sums of the rows nearest each centre (run-major, <c>run × k × features</c>),
    /// their counts (<c>run × k</c>) and the summed squared distance.
    /// </summary>
    /// <remarks>
    /// The broadcast model is every run's centres followed by every run's centre norms; the pass's sums are the
    /// per-centre sums, then the counts (float64, exact below 2^53 rows), then the costs.
    /// </remarks>
    public static async Task<LloydTotals> AssignAsync(Rdd<InstanceBlock> blocks, IReadOnlyList<double[]> centers, int k, int features,
        IBlockKernels kernels, int depth, IterationRecorder? recorder, CancellationToken cancellationToken)
    {
        var runs = centers.Count;
        var centerValues = runs * k * features;
        var model = new double[centerValues + (runs * k)];
        for (var r = 0; r < runs; r++)
        {
            centers[r].CopyTo(model, r * k * features);
            CenterSets.Norms(centers[r], features).CopyTo(model, centerValues + (r * k));
        }

        var pass = await BlockPass.RunAsync(blocks, model, centerValues + (runs * k) + runs, Assign(kernels, runs, k, features), null, depth, recorder,
            cancellationToken);
        var sums = pass.Sums;
        return (sums[..centerValues], [.. sums.AsSpan(centerValues, runs * k).ToArray().Select(c => (long)c)], sums[(centerValues + (runs * k))..]);
    }

    /// <summary>
    /// For each run <c>r</c> with <c>wanted[r] &gt; 0</c>, the <c>wanted[r]</c> rows farthest from their nearest centre
    /// of <paramref name="centers"/> (farthest first; ties to the earlier partition and row), with their distances.
    /// </summary>
    public static async Task<List<(double Distance, double[] Values)>[]> FarthestAsync(Rdd<InstanceBlock> blocks, CenterSet centers,
        int[] wanted, IBlockKernels kernels, CancellationToken cancellationToken, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var broadcast = blocks.Context.Broadcast(centers, callerFile, callerLine);
        List<(int Run, double Distance, int Partition, long Row, double[] Values)> found;
        try
        {
            found = await blocks
                .SelectPartitions((index, partition) => Farthest(index, partition, broadcast.Value, wanted, kernels), false, callerFile, callerLine)
                .ToListAsync(cancellationToken, callerFile, callerLine);
        }
        finally
        {
            await broadcast.DestroyAsync();
        }

        var result = new List<(double, double[])>[wanted.Length];
        for (var r = 0; r < wanted.Length; r++)
        {
            result[r] = [.. found.Where(f => f.Run == r)
                .OrderByDescending(f => f.Distance).ThenBy(f => f.Partition).ThenBy(f => f.Row)
                .Take(wanted[r]).Select(f => (f.Distance, f.Values))];
        }

        return result;
    }

    /// <summary>Row <paramref name="row"/> of a block as a dense float64 array.</summary>
    public static double[] RowValues(InstanceBlock block, int row)
    {
        var values = new double[block.Features];
        if (block.IsSparse)
        {
            for (var j = block.RowOffsets[row]; j < block.RowOffsets[row + 1]; j++)
                values[block.Indices[j]] = block.Values[j];
        }
        else
        {
            var start = row * block.Features;
            for (var j = 0; j < values.Length; j++)
                values[j] = block.Values[start + j];
        }

        return values;
    }

    private static DataDescription Describe(int partition, IEnumerable<InstanceBlock> blocks, long seed, int runs, int picksPerRun)
    {
        long rows = 0;
        var features = -1;
        var picks = new List<(ulong Key, InstanceBlock Block, int Row)>[runs];
        for (var r = 0; r < runs; r++)
            picks[r] = [];
        foreach (var block in blocks)
        {
            features = features < 0 || features == block.Features ? block.Features : throw FeatureMismatch(features, block.Features);
            for (var i = 0; i < block.Rows; i++, rows++)
            {
                for (var r = 0; r < runs && picksPerRun > 0; r++)
                    Offer(picks[r], (SplitMix64.Hash(seed, PickDraws, r, partition, rows), block, i), picksPerRun);
            }
        }

        return (rows, features, [.. picks.Select(list => list.Select(p => (p.Key, RowValues(p.Block, p.Row))).ToArray())]);
    }

    // Keeps the `limit` smallest keys, sorted ascending.
    private static void Offer<T>(List<(ulong Key, T Block, int Row)> kept, (ulong Key, T Block, int Row) candidate, int limit)
    {
        if (kept.Count == limit && candidate.Key >= kept[^1].Key)
            return;
        var at = kept.FindIndex(p => p.Key > candidate.Key);
        kept.Insert(at < 0 ? kept.Count : at, candidate);
        if (kept.Count > limit)
            kept.RemoveAt(kept.Count - 1);
    }

    private static DataDescription MergeDescriptions(DataDescription a, DataDescription b, int picksPerRun)
    {
        if (a.Features < 0 && a.Rows == 0)
            return b;
        if (b.Features < 0 && b.Rows == 0)
            return a;
        if (a.Features != b.Features)
            throw FeatureMismatch(a.Features, b.Features);
        var picks = new (ulong, double[])[a.Picks.Length][];
        for (var r = 0; r < picks.Length; r++)
            picks[r] = [.. a.Picks[r].Concat(b.Picks[r]).OrderBy(p => p.Key).Take(picksPerRun)];
        return (a.Rows + b.Rows, a.Features, picks);
    }

    private static ArgumentException FeatureMismatch(int a, int b) => new(string.Create(CultureInfo.InvariantCulture,
        $"k-means needs every row to have the same feature count, but the data has rows of {a} and of {b} features; load all files with one feature count (numFeatures:)."));

    private static BlockContribution Assign(IBlockKernels kernels, int runs, int k, int features)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        var centerValues = runs * k * features;
        return (block, model, sums, _) =>
        {
            var counts = new long[k];
            for (var r = 0; r < runs; r++)
            {
                Array.Clear(counts);
                sums[centerValues + (runs * k) + r] += kernels.KMeansAssign(block, model.AsSpan(r * k * features, k * features),
                    model.AsSpan(centerValues + (r * k), k), sums.AsSpan(r * k * features, k * features), counts);
                for (var c = 0; c < k; c++)
                    sums[centerValues + (r * k) + c] += counts[c];
            }
        };
    }

    private static IEnumerable<(int Run, double Distance, int Partition, long Row, double[] Values)> Farthest(int partition,
        IEnumerable<InstanceBlock> blocks, CenterSet centers, int[] wanted, IBlockKernels kernels)
    {
        var best = wanted.Select(_ => new List<(double Distance, long Row, InstanceBlock Block, int Index)>()).ToArray();
        long row = 0;
        foreach (var block in blocks)
        {
            var nearest = new int[block.Rows];
            var distances = new double[block.Rows];
            for (var r = 0; r < wanted.Length; r++)
            {
                if (wanted[r] == 0)
                    continue;
                kernels.NearestCenters(block, centers.Centers[r], centers.Norms[r], nearest, distances);
                for (var i = 0; i < block.Rows; i++)
                {
                    // Farthest first, then the earlier row: the same order the driver merges partitions in.
                    var kept = best[r];
                    if (kept.Count == wanted[r] && distances[i] <= kept[^1].Distance)
                        continue;
                    var at = kept.FindIndex(p => p.Distance < distances[i]);
                    kept.Insert(at < 0 ? kept.Count : at, (distances[i], row + i, block, i));
                    if (kept.Count > wanted[r])
                        kept.RemoveAt(kept.Count - 1);
                }
            }

            row += block.Rows;
        }

        for (var r = 0; r < wanted.Length; r++)
        {
            foreach (var (distance, at, block, index) in best[r])
                yield return (r, distance, partition, at, RowValues(block, index));
        }
    }
}

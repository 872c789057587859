using System.Runtime.CompilerServices;
using Dataflow.Broadcasting;
using Dataflow.MLlib.Kernels;
using Dataflow.Storage;
using CenterSet = (double[][] Centers, double[][] Norms);

namespace Dataflow.MLlib.Clustering;

/// <summary>
/// k-means|| initialisation (Bahmani et al., "Scalable K-Means++"), for all runs at once. Each run starts from one
/// uniformly drawn row; each of the <c>steps</c> rounds then keeps every row with probability
/// <c>min(1, 2k · cost(x) / Σ cost)</c>, where <c>cost(x)</c> is its squared distance to the run's nearest candidate
/// so far (an oversampling factor of 2k per round, as Spark). The candidates, about <c>1 + 2k · steps</c> per run,
/// are weighted by the number of rows nearest each and reduced to k centres on the driver by weighted k-means++
/// with local Lloyd iterations (<see cref="LocalKMeans"/>).
/// </summary>
/// <remarks>
/// Engine jobs: two per round (the cost sums, then the sampling) and one for the weights, each over the cached
/// blocks and shared by every run; the costs per row live in a persisted RDD beside the blocks, so a round computes
/// distances only to the candidates the previous round added. A row's draw is a hash of (seed, round, run,
/// partition, row), so the candidates do not depend on the master or on task order.
/// <para>Spark: KMeans.initKMeansParallel (initSteps = 2)</para>
/// </remarks>
internal static class KMeansParallel
{
    private const long SampleDraws = 2;
    private const long LocalDraws = 3;
    private const int LocalIterations = 30;

    /// <summary>The k initial centres of each run (row-major), from each run's first row.</summary>
    public static async Task<double[][]> InitializeAsync(Rdd<InstanceBlock> blocks, double[][] first, int k, int features, int steps,
        long seed, int depth, IBlockKernels kernels, CancellationToken cancellationToken, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var context = blocks.Context;
        var runs = first.Length;
        var candidates = first.Select(f => new List<double[]> { f }).ToArray();
        var added = first.Select(f => new List<double[]> { f }).ToArray();
        var broadcasts = new List<Broadcast<CenterSet>>();
        var costs = new List<Rdd<double[]>>();
        try
        {
            for (var step = 0; step < steps; step++)
            {
                var newest = context.Broadcast(CenterSets.Of(added, features), callerFile, callerLine);
                broadcasts.Add(newest);
                var previous = costs.Count == 0 ? null : costs[^1];
                var current = (previous is null
                        ? blocks.Select(b => UpdateCosts(b, null, newest.Value, kernels), callerFile, callerLine)
                        : blocks.Zip(previous, callerFile, callerLine).Select(p => UpdateCosts(p.First, p.Second, newest.Value, kernels), callerFile, callerLine))
                    .Persist(StorageLevel.MemoryAndDisk);
                costs.Add(current);
                var sums = await current.TreeAggregateAsync(new double[runs], AddCosts, AddSums, depth, cancellationToken, callerFile, callerLine);
                if (previous is not null)
                    await previous.UnpersistAsync();

                var round = step;
                var chosen = await blocks.Zip(current, callerFile, callerLine)
                    .SelectPartitions((index, pairs) => Sample(index, pairs, sums, k, seed, round), false, callerFile, callerLine)
                    .ToListAsync(cancellationToken, callerFile, callerLine);
                for (var r = 0; r < runs; r++)
                {
                    added[r] = [.. chosen.Where(c => c.Run == r).Select(c => c.Values)];
                    candidates[r].AddRange(added[r]);
                }
            }
        }
        finally
        {
            foreach (var rdd in costs)
                await rdd.UnpersistAsync();
            foreach (var broadcast in broadcasts)
                await broadcast.DestroyAsync();
        }

        return await ReduceAsync(blocks, candidates, k, features, seed, depth, kernels, cancellationToken, callerFile, callerLine);
    }

    // Distinct candidates per run; those with more than k are weighted (one job for all of them) and reduced to k.
    private static async Task<double[][]> ReduceAsync(Rdd<InstanceBlock> blocks, List<double[]>[] candidates, int k, int features,
        long seed, int depth, IBlockKernels kernels, CancellationToken cancellationToken, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        var runs = candidates.Length;
        var distinct = candidates.Select(list => list.Distinct(ValuesComparer.Instance).ToList()).ToArray();
        var weigh = Enumerable.Range(0, runs).Where(r => distinct[r].Count > k).ToArray();
        var weights = new double[runs][];
        if (weigh.Length > 0)
        {
            var all = blocks.Context.Broadcast(CenterSets.Of([.. weigh.Select(r => distinct[r])], features), callerFile, callerLine);
            try
            {
                var counts = await blocks.TreeAggregateAsync(Array.Empty<long>(), (c, b) => CountNearest(c, b, all.Value, kernels), AddCounts, depth,
                    cancellationToken, callerFile, callerLine);
                var offset = 0;
                foreach (var r in weigh)
                {
                    weights[r] = [.. counts.Skip(offset).Take(distinct[r].Count).Select(c => (double)c)];
                    offset += distinct[r].Count;
                }
            }
            finally
            {
                await all.DestroyAsync();
            }
        }

        var centers = new double[runs][];
        for (var r = 0; r < runs; r++)
        {
            // Fewer distinct candidates than k (data with fewer distinct rows, or a sparse sample): they repeat, and the
            // repeated centres' empty clusters are re-seeded by the first Lloyd iteration.
            var chosen = weights[r] is { } w
                ? LocalKMeans.Cluster(distinct[r], w, k, new SplitMix64(SplitMix64.Hash(seed, LocalDraws, r, 0, 0)), LocalIterations)
                : [.. Enumerable.Range(0, k).Select(i => distinct[r][i % distinct[r].Count])];
            centers[r] = CenterSets.Flatten(chosen, features);
        }

        return centers;
    }

    // Per run (run-major, run × rows): the squared distance of each row to its nearest candidate, given the distances
    // to the earlier candidates (null in the first round) and the centres the last round added.
    private static double[] UpdateCosts(InstanceBlock block, double[]? previous, CenterSet added, IBlockKernels kernels)
    {
        var runs = added.Norms.Length;
        var costs = previous is null ? new double[runs * block.Rows] : (double[])previous.Clone();
        var nearest = new int[block.Rows];
        var distances = new double[block.Rows];
        for (var r = 0; r < runs; r++)
        {
            var row = costs.AsSpan(r * block.Rows, block.Rows);
            if (added.Norms[r].Length == 0)
            {
                if (previous is null)
                    row.Fill(double.PositiveInfinity);
                continue;
            }

            kernels.NearestCenters(block, added.Centers[r], added.Norms[r], nearest, distances);
            for (var i = 0; i < row.Length; i++)
                row[i] = previous is null ? distances[i] : Math.Min(row[i], distances[i]);
        }

        return costs;
    }

    private static double[] AddCosts(double[] sums, double[] costs)
    {
        var rows = costs.Length / sums.Length;
        for (var r = 0; r < sums.Length; r++)
        {
            for (var i = 0; i < rows; i++)
                sums[r] += costs[(r * rows) + i];
        }

        return sums;
    }

    private static double[] AddSums(double[] a, double[] b)
    {
        for (var r = 0; r < a.Length; r++)
            a[r] += b[r];
        return a;
    }

    private static IEnumerable<(int Run, double[] Values)> Sample(int partition, IEnumerable<(InstanceBlock Block, double[] Costs)> pairs,
        double[] sums, int k, long seed, int round)
    {
        long row = 0;
        foreach (var (block, costs) in pairs)
        {
            for (var i = 0; i < block.Rows; i++, row++)
            {
                for (var r = 0; r < sums.Length; r++)
                {
                    // A run whose candidates already cover every row (cost 0 everywhere) samples nothing more.
                    var cost = costs[(r * block.Rows) + i];
                    if (sums[r] > 0 && SplitMix64.Uniform(seed, SampleDraws + (16 * round), r, partition, row) < 2.0 * k * cost / sums[r])
                        yield return (r, KMeansPasses.RowValues(block, i));
                }
            }
        }
    }

    private static long[] CountNearest(long[] counts, InstanceBlock block, CenterSet centers, IBlockKernels kernels)
    {
        if (counts.Length == 0)
            counts = new long[centers.Norms.Sum(n => n.Length)];
        var nearest = new int[block.Rows];
        var distances = new double[block.Rows];
        var offset = 0;
        for (var r = 0; r < centers.Norms.Length; r++)
        {
            kernels.NearestCenters(block, centers.Centers[r], centers.Norms[r], nearest, distances);
            foreach (var j in nearest)
                counts[offset + j]++;
            offset += centers.Norms[r].Length;
        }

        return counts;
    }

    private static long[] AddCounts(long[] a, long[] b)
    {
        if (a.Length == 0)
            return b;
        if (b.Length == 0)
            return a;
        for (var i = 0; i < a.Length; i++)
            a[i] += b[i];
        return a;
    }

    /// <summary>Equality of candidate points by value (identical rows drawn twice are one candidate).</summary>
    private sealed class ValuesComparer : IEqualityComparer<double[]>
    {
        public static readonly ValuesComparer Instance = new();

        public bool Equals(double[]? x, double[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(double[] obj)
        {
            var hash = 17L;
            foreach (var v in obj)
                hash = (hash * 31) + v.GetHashCode();
            return (int)(hash ^ (hash >> 32));
        }
    }
}

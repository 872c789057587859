using System.Runtime.CompilerServices;
using Dataflow.Partitioning;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Aggregates as <c>AggregateAsync(seed, func, combine)</c>, but combines the partition results in a tree of
    /// <paramref name="depth"/> levels: each partition folds its elements into its own copy of
    /// <paramref name="seed"/>, then shuffle stages merge those partials into fewer and fewer partitions (a factor of
    /// about P^(1/depth) per level, and only while a level saves work), so the driver receives a few partials instead
    /// of one per partition. Use it when partials are large (vectors, sketches) and partitions many. Partials cross a
    /// shuffle, so <typeparamref name="TAccumulate"/> must round-trip through MessagePack; <paramref name="combine"/>
    /// must be associative and commutative.
    /// </summary>
    /// <example><code>var (sum, n) = await xs.TreeAggregateAsync((0L, 0L), (a, x) => (a.Item1 + x, a.Item2 + 1), (a, b) => (a.Item1 + b.Item1, a.Item2 + b.Item2));</code></example>
    /// <remarks>Spark: treeAggregate</remarks>
    public static async Task<TAccumulate> TreeAggregateAsync<T, TAccumulate>(this Rdd<T> source, TAccumulate seed,
        Func<TAccumulate, T, TAccumulate> func, Func<TAccumulate, TAccumulate, TAccumulate> combine, int depth = 2,
        CancellationToken cancellationToken = default, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(func);
        ArgumentNullException.ThrowIfNull(combine);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        RejectAsyncResult<TAccumulate>(nameof(TreeAggregateAsync), callerFile, callerLine);
        var callSite = new CallSite(nameof(TreeAggregateAsync), callerFile, callerLine);

        // Each partition folds into its own copy of the seed (serialised once, here, so a seed that cannot be copied
        // fails before any job runs), and the driver combines into another.
        var newSeed = SeedFactory(seed);
        var partials = Narrow(source, (_, _, items) => new[] { items.Aggregate(newSeed(), func) }, false,
            nameof(TreeAggregateAsync), callerFile, callerLine);
        var (reduced, levels) = CombineInTree(partials, combine, depth, nameof(TreeAggregateAsync), callerFile, callerLine);
        var result = newSeed();
        foreach (var partial in await ReduceEachPartitionAsync(reduced, combine, levels, callSite, cancellationToken).ConfigureAwait(false))
        {
            result = combine(result, partial);
        }

        return result;
    }

    /// <summary>
    /// Reduces as <c>AggregateAsync(func)</c>, combining the partition results in a tree of <paramref name="depth"/>
    /// levels as <c>TreeAggregateAsync</c> does. Throws <see cref="InvalidOperationException"/> on an empty RDD.
    /// </summary>
    /// <remarks>Spark: treeReduce</remarks>
    public static async Task<T> TreeReduceAsync<T>(this Rdd<T> source, Func<T, T, T> func, int depth = 2,
        CancellationToken cancellationToken = default, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(func);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        var callSite = new CallSite(nameof(TreeReduceAsync), callerFile, callerLine);

        // An empty partition has no partial; the flag travels with the value through the shuffles.
        Func<(bool HasValue, T Value), (bool HasValue, T Value), (bool HasValue, T Value)> merge =
            (a, b) => !a.HasValue ? b : !b.HasValue ? a : (true, func(a.Value, b.Value));
        var partials = Narrow(source, (_, _, items) => new[] { ReducePartition(items, func) }, false,
            nameof(TreeReduceAsync), callerFile, callerLine);
        var (reduced, levels) = CombineInTree(partials, merge, depth, nameof(TreeReduceAsync), callerFile, callerLine);
        (bool HasValue, T Value) result = (false, default!);
        foreach (var partial in await ReduceEachPartitionAsync(reduced, merge, levels, callSite, cancellationToken).ConfigureAwait(false))
        {
            result = merge(result, partial);
        }

        return result.HasValue ? result.Value : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>
    /// Adds the intermediate levels of a tree aggregation over <paramref name="partials"/> (one value per partition):
    /// each level keys partition i's values by i mod the next level's width and reduces by key into that many
    /// partitions. Levels stop once one would not shrink the work (Spark's rule: continue only while
    /// n &gt; scale + ⌈n / scale⌉). Also returns the shuffles of those levels, which only this action can read.
    /// </summary>
    private static (Rdd<TAccumulate> Reduced, List<int> Shuffles) CombineInTree<TAccumulate>(Rdd<TAccumulate> partials,
        Func<TAccumulate, TAccumulate, TAccumulate> combine, int depth, string operation, string callerFile, int callerLine)
    {
        var shuffles = new List<int>();
        RddBase.EnsurePartitions(partials);
        var width = partials.NumPartitions;
        var scale = Math.Max((int)Math.Ceiling(Math.Pow(width, 1.0 / depth)), 2);
        var level = 0;
        while (width > scale + (int)Math.Ceiling((double)width / scale))
        {
            width /= scale;
            level++;
            var target = width;
            var keyed = Narrow(partials, (_, index, items) => items.Select(x => (index % target, x)), false, operation, callerFile, callerLine);

            // The key is the target partition itself, so each of the `target` partitions receives exactly one key.
            var merged = keyed.ReduceByKey(combine, new DirectPartitioner(target), callerFile, callerLine);
            merged.Name = $"{operation} (tree level {level.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
            shuffles.AddRange(merged.Dependencies.OfType<Dependencies.ShuffleDependency>().Select(d => d.ShuffleId));
            partials = Narrow(merged, static (_, _, items) => items.Select(kv => kv.Value), false, operation, callerFile, callerLine);
        }

        return (partials, shuffles);
    }

    /// <summary>
    /// Reduces each partition to at most one value in the tasks and returns those values in partition order. The
    /// action's own tree-level <paramref name="shuffles"/> are released when the job ends, whatever its outcome:
    /// no RDD outside this action reads them, so keeping them would only fill the disk, one set per call.
    /// </summary>
    private static async Task<List<TAccumulate>> ReduceEachPartitionAsync<TAccumulate>(Rdd<TAccumulate> rdd,
        Func<TAccumulate, TAccumulate, TAccumulate> combine, IReadOnlyList<int> shuffles, CallSite callSite, CancellationToken cancellationToken)
    {
        var partials = new (bool HasValue, TAccumulate Value)[rdd.NumPartitions];
        try
        {
            await rdd.Context.RunJobAsync(rdd, (_, items) => ReducePartition(items, combine), null, (p, partial) => partials[p] = partial,
                callSite, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var shuffleId in shuffles)
            {
                rdd.Context.ReleaseShuffle(shuffleId);
            }
        }

        // Combined in partition order, so a result that depends on order (floating point) is the same on every run.
        return [.. partials.Where(p => p.HasValue).Select(p => p.Value)];
    }
}

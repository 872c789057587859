using System.Globalization;
using Dataflow.Partitioning;

namespace Dataflow.Examples.PageRank;

/// <summary>
/// PageRank by power iteration over a graph of string node ids: the edge format, the link table, the iteration and
/// the ranking of PageRank.
/// </summary>
/// <remarks>
/// <para>The graph is the set of distinct edges; its nodes are all ids that appear on either side, and a self-loop is
/// an ordinary edge. Every iteration computes, for each node v,
/// <c>rank'(v) = (1 - d) / N + d * (sum over u -> v of rank(u) / outdegree(u) + D / N)</c>, where D is the total rank
/// of the dangling nodes (no out-links), spread uniformly so the ranks keep summing to 1. Ranks start at 1 / N.</para>
/// <para>The link table is shuffled once into hash partitions and cached; every iteration's ranks come out of a
/// <c>ReduceByKey</c> into the same partitioner, so joining them with the links is narrow and the links are never
/// shuffled again: an iteration shuffles only the contributions.</para>
/// </remarks>
public static class Ranks
{
    /// <summary>Rank descending, then node id in ordinal order.</summary>
    public static readonly Comparison<(string Node, double Rank)> Ranking =
        (a, b) => a.Rank != b.Rank ? b.Rank.CompareTo(a.Rank) : string.CompareOrdinal(a.Node, b.Node);

    /// <summary>
    /// Parses one line of an edge list: <c>src dst</c> separated by whitespace. A blank line or one whose first
    /// non-blank character is <c>#</c> holds no edge (<c>null</c>).
    /// </summary>
    /// <exception cref="BadInputException">The line has a number of fields other than two.</exception>
    public static (string Src, string Dst)? ParseLine(string file, long line, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.IsEmpty || trimmed[0] == '#')
        {
            return null;
        }

        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 2
            ? (fields[0], fields[1])
            : throw new BadInputException(file, line,
                $"expected 2 whitespace-separated fields 'src dst', found {fields.Length.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>The edges of numbered lines (<see cref="DataflowContext.TextFileWithLineNumbers"/>), so that a bad
    /// line fails the job with a <see cref="BadInputException"/> naming its file and line.</summary>
    public static Rdd<(string Src, string Dst)> ParseEdges(Rdd<(string File, long Line, string Text)> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return lines.SelectPartitions(static records => Parse(records));
    }

    /// <summary>
    /// The link table: every node with its distinct out-neighbours (none for a dangling node or one that only
    /// receives links), in one shuffle into <paramref name="partitioner"/>'s partitions, and cached.
    /// </summary>
    public static Rdd<(string Node, string[] Links)> BuildLinks(Rdd<(string Src, string Dst)> edges, Partitioner partitioner)
    {
        ArgumentNullException.ThrowIfNull(edges);
        ArgumentNullException.ThrowIfNull(partitioner);
        // Each edge also names its target with no link, so that nodes without out-links are in the table.
        return edges
            .SelectMany(static e => new[] { (e.Src, (string?)e.Dst), (e.Dst, (string?)null) })
            .CombineByKey(
                static target => target is null ? new List<string>() : [target],
                static (targets, target) => Add(targets, target),
                static (a, b) => { a.AddRange(b); return a; },
                partitioner)
            .MapValues(static targets => new HashSet<string>(targets, StringComparer.Ordinal).ToArray())
            .Cache();
    }

    /// <summary>
    /// Runs <paramref name="iterations"/> PageRank iterations over <paramref name="links"/> (from
    /// <see cref="BuildLinks"/>). Runs one job to count the nodes and one per iteration (for the dangling rank, which
    /// also materialises the previous iteration's ranks); the ranks returned are computed by the caller's action.
    /// </summary>
    /// <returns>Each node's rank, partitioned like the links and cached; the ranks sum to 1.</returns>
    public static async Task<Rdd<(string Node, double Rank)>> ComputeAsync(Rdd<(string Node, string[] Links)> links,
        int iterations, double damping, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(links);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        if (!(damping is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(damping), damping, "The damping factor must be in [0, 1].");
        }

        var partitioner = links.Partitioner
            ?? throw new ArgumentException("The links must be partitioned (build them with BuildLinks).", nameof(links));
        var nodes = await links.LongCountAsync(cancellationToken);
        if (nodes == 0)
        {
            return links.MapValues(static _ => 0.0);
        }

        var ranks = links.MapValues(_ => 1.0 / nodes).Cache();
        Rdd<(string Node, double Rank)>? previous = null;
        for (var i = 0; i < iterations; i++)
        {
            // Both sides share the partitioner, so this join reads the cached links in place.
            var joined = links.Join(ranks, partitioner);
            var dangling = await joined.Where(static kv => kv.Value.Left.Length == 0).Select(static kv => kv.Value.Right)
                .AggregateAsync(0.0, static (a, b) => a + b, cancellationToken);

            // That job materialised `ranks`; the ones before it are no longer read by anything.
            if (previous is not null)
            {
                await previous.UnpersistAsync();
            }

            previous = ranks;
            var shared = ((1 - damping) / nodes) + (damping * dangling / nodes);
            ranks = joined.SelectMany(static kv => Contributions(kv.Key, kv.Value.Left, kv.Value.Right))
                .ReduceByKey(static (a, b) => a + b, partitioner)
                .MapValues(sum => shared + (damping * sum))
                .Cache();
        }

        return ranks;
    }

    /// <summary>The <paramref name="n"/> best entries by <see cref="Ranking"/>, best first.</summary>
    public static List<(string Node, double Rank)> Top(IEnumerable<(string Node, double Rank)> items, int n)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        // A max-heap on the ranking keeps the n best seen so far; its root is the worst of them.
        var worstFirst = Comparer<(string Node, double Rank)>.Create((a, b) => Ranking(b, a));
        var heap = new PriorityQueue<(string Node, double Rank), (string Node, double Rank)>(worstFirst);
        foreach (var item in items)
        {
            if (heap.Count < n)
            {
                heap.Enqueue(item, item);
            }
            else if (n > 0 && Ranking(item, heap.Peek()) < 0)
            {
                heap.EnqueueDequeue(item, item);
            }
        }

        var result = new List<(string Node, double Rank)>(heap.Count);
        while (heap.Count > 0)
        {
            result.Add(heap.Dequeue());
        }

        result.Sort(Ranking);
        return result;
    }

    /// <summary>The output line of a rank: <c>node&lt;TAB&gt;rank</c>, the rank round-trippable in the invariant culture.</summary>
    public static string Format((string Node, double Rank) item) =>
        item.Node + "\t" + item.Rank.ToString("R", CultureInfo.InvariantCulture);

    private static IEnumerable<(string Src, string Dst)> Parse(IEnumerable<(string File, long Line, string Text)> records)
    {
        foreach (var (file, line, text) in records)
        {
            if (ParseLine(file, line, text) is { } edge)
            {
                yield return edge;
            }
        }
    }

    private static List<string> Add(List<string> targets, string? target)
    {
        if (target is not null)
        {
            targets.Add(target);
        }

        return targets;
    }

    private static IEnumerable<(string Node, double Contribution)> Contributions(string node, string[] links, double rank)
    {
        // A zero for the node itself keeps every node in the sums, including those nobody links to.
        yield return (node, 0.0);
        var share = rank / links.Length;
        foreach (var target in links)
        {
            yield return (target, share);
        }
    }
}

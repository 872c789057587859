namespace Dataflow.Examples.Tests.PageRank;

/// <summary>PageRank by the textbook power iteration over dictionaries, written independently of the engine.</summary>
public static class ReferencePageRank
{
    /// <summary>The distinct edges of an edge list: blank and '#' lines skipped, fields split at whitespace.</summary>
    public static HashSet<(string Src, string Dst)> Edges(IEnumerable<string> lines)
    {
        var edges = new HashSet<(string Src, string Dst)>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var fields = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, fields.Length);
            edges.Add((fields[0], fields[1]));
        }

        return edges;
    }

    public static Dictionary<string, double> Ranks(HashSet<(string Src, string Dst)> edges, int iterations, double damping)
    {
        var nodes = edges.SelectMany(e => new[] { e.Src, e.Dst }).Distinct(StringComparer.Ordinal).ToList();
        var outDegree = nodes.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        foreach (var (src, _) in edges)
        {
            outDegree[src]++;
        }

        var n = (double)nodes.Count;
        var ranks = nodes.ToDictionary(x => x, _ => 1 / n, StringComparer.Ordinal);
        for (var i = 0; i < iterations; i++)
        {
            var dangling = nodes.Where(x => outDegree[x] == 0).Sum(x => ranks[x]);
            var next = nodes.ToDictionary(x => x, _ => ((1 - damping) / n) + (damping * dangling / n), StringComparer.Ordinal);
            foreach (var (src, dst) in edges)
            {
                next[dst] += damping * ranks[src] / outDegree[src];
            }

            ranks = next;
        }

        return ranks;
    }

    /// <summary>A random edge list with duplicate edges, self-loops, dangling nodes, comments and blank lines.</summary>
    public static List<string> RandomEdgeLines(Random random, int nodes, int lines)
    {
        var result = new List<string>();
        for (var i = 0; i < lines; i++)
        {
            switch (random.Next(12))
            {
                case 0:
                    result.Add("# a comment " + i);
                    break;
                case 1:
                    result.Add(random.Next(2) == 0 ? "" : "  \t");
                    break;
                default:
                    // Nodes at or above nodes/2 never appear as a source, so many are dangling.
                    var src = "n" + random.Next(nodes / 2);
                    var dst = random.Next(10) == 0 ? src : "n" + random.Next(nodes);
                    result.Add(random.Next(3) == 0 ? $"  {src}\t {dst} " : $"{src} {dst}");
                    break;
            }
        }

        return result;
    }
}

using System.Globalization;
using Dataflow.Dependencies;
using Dataflow.Examples.PageRank;
using Dataflow.Partitioning;

namespace Dataflow.Examples.Tests.PageRank;

/// <summary>PageRank, in-process and as a program, against an independent power iteration.</summary>
public sealed class PageRankTests : IDisposable
{
    private const double Tolerance = 1e-9;
    private readonly string _temp = Directory.CreateTempSubdirectory("pagerank-test-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private async Task<string> WriteAsync(string name, IEnumerable<string> lines, string newline = "\n")
    {
        var path = Path.Combine(_temp, name);
        await File.WriteAllTextAsync(path, string.Join(newline, lines) + newline, Ct);
        return path;
    }

    private static Dictionary<string, double> ParseRankLines(IEnumerable<string> lines)
    {
        var ranks = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            ranks.Add(line[..tab], double.Parse(line[(tab + 1)..], CultureInfo.InvariantCulture));
        }

        return ranks;
    }

    private static void AssertRanksEqual(Dictionary<string, double> expected, IReadOnlyDictionary<string, double> actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (node, rank) in expected)
        {
            Assert.True(Math.Abs(rank - actual[node]) <= Tolerance, $"{node}: expected {rank}, got {actual[node]}");
        }

        Assert.True(Math.Abs(actual.Values.Sum() - 1) <= Tolerance, $"ranks sum to {actual.Values.Sum()}");
    }

    private static List<ShuffleDependency> ShufflesIn(RddBase rdd)
    {
        var found = new List<ShuffleDependency>();
        var seen = new HashSet<int>();
        var stack = new Stack<RddBase>([rdd]);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (!seen.Add(current.Id))
            {
                continue;
            }

            foreach (var dependency in current.Dependencies)
            {
                if (dependency is ShuffleDependency shuffle)
                {
                    found.Add(shuffle);
                }

                stack.Push(dependency.Rdd);
            }
        }

        return found;
    }

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(2, 3, 1)]
    [InlineData(3, 4, 20)]
    [InlineData(4, 7, 13)]
    public async Task ComputeAsync_RandomGraphs_MatchReferencePowerIteration(int seed, int partitions, int iterations)
    {
        var random = new Random(seed);
        var lines = ReferencePageRank.RandomEdgeLines(random, random.Next(2, 40), random.Next(1, 300));
        var path = await WriteAsync($"g{seed}.txt", lines, seed % 2 == 0 ? "\r\n" : "\n");
        await using var ctx = new DataflowContext("local[2]");
        var links = Ranks.BuildLinks(Ranks.ParseEdges(ctx.TextFileWithLineNumbers(path, minPartitions: 3)), new HashPartitioner(partitions));
        var ranks = await Ranks.ComputeAsync(links, iterations, 0.85, Ct);
        var actual = (await ranks.ToListAsync(Ct)).ToDictionary(r => r.Node, r => r.Rank, StringComparer.Ordinal);
        AssertRanksEqual(ReferencePageRank.Ranks(ReferencePageRank.Edges(lines), iterations, 0.85), actual);
    }

    [Fact]
    public async Task ComputeAsync_Iterations_NeverShuffleTheLinksAgain()
    {
        var lines = ReferencePageRank.RandomEdgeLines(new Random(5), 30, 200);
        var path = await WriteAsync("links.txt", lines);
        await using var ctx = new DataflowContext("local[2]");
        var recorder = new StageRecorder();
        ctx.Listeners.Add(recorder);
        var partitioner = new HashPartitioner(3);
        // One split, so numbering the lines needs no counting job and every job below is PageRank's own.
        var links = Ranks.BuildLinks(Ranks.ParseEdges(ctx.TextFileWithLineNumbers(path, minPartitions: 1)), partitioner);
        var ranks = await Ranks.ComputeAsync(links, 5, 0.85, Ct);
        _ = await ranks.CountAsync(Ct);
        await ctx.Listeners.FlushAsync();

        // The links are hash-partitioned once and keep that partitioner, and so do the ranks...
        Assert.Equal(partitioner, links.Partitioner);
        Assert.Equal(partitioner, ranks.Partitioner);
        var linkShuffle = Assert.Single(ShufflesIn(links));
        // ...so no join in the ranks' lineage shuffles the link table.
        Assert.DoesNotContain(ShufflesIn(ranks), s => ReferenceEquals(s.Rdd, links));

        var jobs = recorder.JobIds;
        Assert.Equal(1 + 5 + 1, jobs.Count); // count the nodes, one per iteration, the final action
        Assert.Equal([linkShuffle.ShuffleId], recorder.MapStagesSubmitted(jobs[0]).Select(s => s.ShuffleId!.Value));
        // Iteration 1 reads only cached data; each later job shuffles only the previous iteration's contributions.
        Assert.Empty(recorder.MapStagesSubmitted(jobs[1]));
        foreach (var job in jobs.Skip(2))
        {
            var stage = Assert.Single(recorder.MapStagesSubmitted(job));
            Assert.NotEqual(linkShuffle.ShuffleId, stage.ShuffleId);
        }

        // The plan says the same: the link table's map stage is skipped, its shuffle output exists.
        var linkStages = ranks.Explain().Split('\n')
            .Where(l => l.Contains($"writing shuffle {linkShuffle.ShuffleId} ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(linkStages);
        Assert.All(linkStages, l => Assert.Contains("[skipped", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ComputeAsync_EmptyGraphOrOnlyComments_GivesNoRanks()
    {
        var path = await WriteAsync("empty.txt", ["# nothing", "", "   "]);
        await using var ctx = new DataflowContext("local[2]");
        var links = Ranks.BuildLinks(Ranks.ParseEdges(ctx.TextFileWithLineNumbers(path)), new HashPartitioner(2));
        Assert.Empty(await (await Ranks.ComputeAsync(links, 3, 0.85, Ct)).ToListAsync(Ct));
    }

    [Theory]
    [InlineData("a b", "a", "b")]
    [InlineData("  a\t\tb  \r", "a", "b")]
    [InlineData("a a", "a", "a")]
    public void ParseLine_TwoFields_IsAnEdge(string text, string src, string dst) =>
        Assert.Equal((src, dst), Ranks.ParseLine("f", 1, text));

    [Theory]
    [InlineData("")]
    [InlineData(" \t ")]
    [InlineData("# a b")]
    [InlineData("  #x")]
    public void ParseLine_BlankOrComment_IsNoEdge(string text) => Assert.Null(Ranks.ParseLine("f", 1, text));

    [Theory]
    [InlineData("a", 1)]
    [InlineData("a b c", 3)]
    public void ParseLine_OtherFieldCounts_NameFileAndLine(string text, int fields)
    {
        var error = Assert.Throws<BadInputException>(() => Ranks.ParseLine("edges.txt", 42, text));
        Assert.StartsWith("edges.txt:42: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(fields.ToString(CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PageRank_Output_WritesEveryNodeMatchingReference()
    {
        var lines = ReferencePageRank.RandomEdgeLines(new Random(11), 60, 400);
        var path = await WriteAsync("out-graph.txt", lines);
        var output = Path.Combine(_temp, "ranks");
        var result = await ProgramRunner.RunAsync("PageRank", "--edges", path, "--output", output, "--iterations", "12",
            "--damping", "0.8", "--partitions", "3", "--master", "local[2]");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.True(File.Exists(Path.Combine(output, "_SUCCESS")));
        var written = new List<string>();
        foreach (var part in Directory.GetFiles(output, "part-*").Order(StringComparer.Ordinal))
        {
            written.AddRange(await File.ReadAllLinesAsync(part, Ct));
        }

        AssertRanksEqual(ReferencePageRank.Ranks(ReferencePageRank.Edges(lines), 12, 0.8), ParseRankLines(written));
    }

    [Fact]
    public async Task PageRank_NoOptions_PrintsTheTop20ByRankThenId()
    {
        var lines = ReferencePageRank.RandomEdgeLines(new Random(12), 80, 600);
        var path = await WriteAsync("top-graph.txt", lines);
        var result = await ProgramRunner.RunAsync("PageRank", "--edges", path, "--master", "local[2]");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var printed = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, printed.Length);
        var expected = ReferencePageRank.Ranks(ReferencePageRank.Edges(lines), 20, 0.85);
        var ranks = printed.Select(l => (Node: l[..l.IndexOf('\t', StringComparison.Ordinal)], Rank: double.Parse(l[(l.IndexOf('\t', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(ranks.OrderByDescending(r => r.Rank).ThenBy(r => r.Node, StringComparer.Ordinal), ranks);
        foreach (var (node, rank) in ranks)
        {
            Assert.True(Math.Abs(expected[node] - rank) <= Tolerance, $"{node}: expected {expected[node]}, got {rank}");
        }

        // Nothing left out ranks higher than the last printed node.
        var printedNodes = ranks.Select(r => r.Node).ToHashSet(StringComparer.Ordinal);
        Assert.All(expected.Where(kv => !printedNodes.Contains(kv.Key)), kv => Assert.True(kv.Value <= ranks[^1].Rank + Tolerance));
    }

    [Fact]
    public async Task PageRank_TopWithTies_OrdersTiedNodesByOrdinalId()
    {
        // A cycle: every node has exactly the same rank, so the order is the ordinal order of the ids.
        var path = await WriteAsync("cycle.txt", ["b a", "a c", "c B", "B b"]);
        var result = await ProgramRunner.RunAsync("PageRank", "--edges", path, "--top", "3", "--iterations", "7");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["B", "a", "b"], lines.Select(l => l.Split('\t')[0]));
        var printed = ParseRankLines(lines);
        Assert.Single(printed.Values.Distinct());
        Assert.True(Math.Abs(printed["B"] - 0.25) <= Tolerance);
    }

    [Fact]
    public async Task PageRank_BadLineInLaterSplit_ExitsTwoNamingFileAndLine()
    {
        var lines = Enumerable.Range(0, 5000).Select(i => $"n{i % 97} n{i % 89}").ToList();
        lines.Insert(3999, "n1 n2 n3");
        lines.Insert(10, "# comment");
        var path = await WriteAsync("bad.txt", lines);
        var output = Path.Combine(_temp, "bad-out");
        var result = await ProgramRunner.RunAsync("PageRank", "--edges", path, "--output", output, "--master", "local[2]");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{path}:4001: ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("--iterations", "-1")]
    [InlineData("--damping", "1.5")]
    [InlineData("--top", "-2")]
    [InlineData("--partitions", "0")]
    public async Task PageRank_BadOption_IsUsageError(string option, string value)
    {
        var path = await WriteAsync("ok.txt", ["a b"]);
        var result = await ProgramRunner.RunAsync("PageRank", "--edges", path, option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option, result.Stderr, StringComparison.Ordinal);
    }
}

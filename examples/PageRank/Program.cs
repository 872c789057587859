using System.Globalization;
using Dataflow;
using Dataflow.CommandLine;
using Dataflow.Ui;
using Dataflow.Examples.PageRank;
using Dataflow.Partitioning;

// PageRank: ranks the nodes of a graph given as an edge list ('src dst' per line, '#' comments), with the public
// Rdd API only: the link table is hash-partitioned once and cached, and each iteration joins it with the ranks in
// place (see Ranks). Without --output prints the top N nodes (default 20) as 'node<TAB>rank'.
var parser = new ArgumentParser("PageRank", "Ranks the nodes of a graph given as 'src dst' edge lines.");
var edges = parser.Add<string>("edges", "edge list file, directory or glob: 'src dst' per line, '#' comments", required: true, valueName: "PATH");
var iterations = parser.Add("iterations", 20, "number of iterations", valueName: "N");
var damping = parser.Add("damping", 0.85, "damping factor d: the teleport probability is 1 - d", valueName: "D");
var output = parser.Add<string?>("output", "write every node as 'node<TAB>rank' into part files under this directory", valueName: "DIR");
var top = parser.Add<int?>("top", "print the N highest-ranked nodes (default 20 when --output is not given)", valueName: "N");
var partitions = parser.Add<int?>("partitions", "partitions of the link table and ranks (default: the default parallelism)", valueName: "N");
var overwrite = parser.AddFlag("overwrite", "replace an existing output directory");
var ui = parser.AddDriverUiOptions();
var standard = parser.AddStandardOptions();

return await ProgramHost.RunAsync(parser, standard, args, async (parsed, options, cancellationToken) =>
{
    var topCount = parsed.Get(top);
    Check(parsed.Get(iterations) >= 0, string.Create(CultureInfo.InvariantCulture, $"--iterations must be 0 or more, got {parsed.Get(iterations)}."));
    Check(parsed.Get(damping) is >= 0 and <= 1, string.Create(CultureInfo.InvariantCulture, $"--damping must be between 0 and 1, got {parsed.Get(damping)}."));
    Check(topCount is null or >= 0, string.Create(CultureInfo.InvariantCulture, $"--top must be 0 or more, got {topCount}."));
    Check(parsed.Get(partitions) is null or >= 1, string.Create(CultureInfo.InvariantCulture, $"--partitions must be 1 or more, got {parsed.Get(partitions)}."));

    await using var web = await ui.StartAsync(parsed, options, cancellationToken);
    await using var ctx = new DataflowContext(options, listeners: web.Listeners);
    var partitioner = new HashPartitioner(parsed.Get(partitions) ?? ctx.DefaultParallelism);
    var links = Ranks.BuildLinks(Ranks.ParseEdges(ctx.TextFileWithLineNumbers(parsed.Get(edges))), partitioner);
    var ranks = await Ranks.ComputeAsync(links, parsed.Get(iterations), parsed.Get(damping), cancellationToken);

    if (parsed.Get(output) is { } outputDirectory)
    {
        await ranks.Select(Ranks.Format).SaveAsTextFileAsync(outputDirectory, parsed.Get(overwrite), cancellationToken);
    }

    if (parsed.Get(output) is null || topCount is not null)
    {
        var n = topCount ?? 20;
        // Each partition keeps its own n best, so only n per partition reach the driver.
        var candidates = await ranks.SelectPartitions(items => Ranks.Top(items, n)).ToListAsync(cancellationToken);
        foreach (var item in Ranks.Top(candidates, n))
        {
            Console.Out.Write(Ranks.Format(item) + "\n");
        }
    }
});

static void Check(bool condition, string message)
{
    if (!condition)
    {
        throw new UsageException(message);
    }
}

using Dataflow;
using Dataflow.CommandLine;
using Dataflow.Ui;
using Dataflow.Examples.WordCount;

// WordCount: counts the words of text files with the public Rdd API only
// (TextFile -> SelectMany -> Select -> ReduceByKey). A word is a maximal run of characters for which
// char.IsLetter is true, lower-cased with ToLowerInvariant.
var parser = new ArgumentParser("WordCount", "Counts the words of text files.");
var input = parser.Add<string>("input", "text file, directory or glob to count", required: true, valueName: "PATH");
var output = parser.Add<string?>("output", "write every word as 'word<TAB>count' into part files under this directory", valueName: "DIR");
var top = parser.Add<int?>("top", "print the N most frequent words (default 20 when --output is not given)", valueName: "N");
var overwrite = parser.AddFlag("overwrite", "replace an existing output directory");
var ui = parser.AddDriverUiOptions();
var standard = parser.AddStandardOptions();

return await ProgramHost.RunAsync(parser, standard, args, async (parsed, options, cancellationToken) =>
{
    var topCount = parsed.Get(top);
    if (topCount is < 0)
    {
        throw new UsageException($"--top must be 0 or more, got {topCount}.");
    }

    await using var web = await ui.StartAsync(parsed, options, cancellationToken);
    await using var ctx = new DataflowContext(options, listeners: web.Listeners);
    var counts = ctx.TextFile(parsed.Get(input))
        .SelectMany(Words.Split)
        .Select(word => (word, 1))
        .ReduceByKey((a, b) => a + b);

    if (parsed.Get(output) is { } outputDirectory)
    {
        await counts.Select(kv => $"{kv.Key}\t{kv.Value}").SaveAsTextFileAsync(outputDirectory, parsed.Get(overwrite), cancellationToken);
    }

    if (parsed.Get(output) is null || topCount is not null)
    {
        var n = topCount ?? 20;
        // Each partition keeps its own n best, so only n per partition reach the driver.
        var candidates = await counts.SelectPartitions(items => Words.Top(items, n)).ToListAsync(cancellationToken);
        foreach (var (word, count) in Words.Top(candidates, n))
        {
            Console.Out.Write($"{word}\t{count}\n");
        }
    }
});

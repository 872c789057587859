using Dataflow;
using Dataflow.CommandLine;
using Dataflow.Ui;
using Dataflow.Examples.Sort;

// Sort: sorts the lines of files by unsigned byte order, exactly as `LC_ALL=C sort` does, with the public Rdd API
// only (ByteLines -> OrderBy -> SaveAsByteLinesAsync). Lines stay raw bytes from input to output, so any encoding,
// invalid UTF-8 and '\r' pass through unchanged; the part files concatenated in name order are the sorted input.
var parser = new ArgumentParser("Sort", "Sorts the lines of files in unsigned byte order (as LC_ALL=C sort) into part files.");
var input = parser.Add<string>("input", "file, directory or glob to sort", required: true, valueName: "PATH");
var output = parser.Add<string>("output", "directory for the sorted part files and _SUCCESS", required: true, valueName: "DIR");
var partitions = parser.Add<int?>("partitions", "number of part files (default: one per input split)", valueName: "N");
var overwrite = parser.AddFlag("overwrite", "replace an existing output directory");
var ui = parser.AddDriverUiOptions();
var standard = parser.AddStandardOptions();

return await ProgramHost.RunAsync(parser, standard, args, async (parsed, options, cancellationToken) =>
{
    var partitionCount = parsed.Get(partitions);
    if (partitionCount is < 1)
    {
        throw new UsageException($"--partitions must be 1 or more, got {partitionCount}.");
    }

    await using var web = await ui.StartAsync(parsed, options, cancellationToken);
    await using var ctx = new DataflowContext(options, listeners: web.Listeners);
    var sorted = LineSort.Sort(ctx.ByteLines(parsed.Get(input)), partitionCount);
    await sorted.SaveAsByteLinesAsync(parsed.Get(output), parsed.Get(overwrite), cancellationToken);
});

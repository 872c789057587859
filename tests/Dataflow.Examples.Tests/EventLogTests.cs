using System.Text.Json;

namespace Dataflow.Examples.Tests;

/// <summary><c>--event-log DIR</c> on every example writes one finished event log of the run.</summary>
public sealed class EventLogTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("eventlog-examples-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    public static TheoryData<string> Examples => ["WordCount", "Sort", "PageRank", "KMeans", "LogisticRegression"];

    private string[] Arguments(string example)
    {
        var input = Path.Combine(_temp, "input.txt");
        File.WriteAllText(input, example switch
        {
            "PageRank" => "1 2\n2 3\n3 1\n3 2\n",
            // LIBSVM points in two clusters, labels 0 and 1.
            "KMeans" or "LogisticRegression" => string.Concat(Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? $"1 1:{1 + (i % 3)} 2:1\n" : $"0 1:-{1 + (i % 3)} 2:-1\n")),
            _ => "b a\nc b\na\n",
        });
        return example switch
        {
            "WordCount" => ["--input", input],
            "Sort" => ["--input", input, "--output", Path.Combine(_temp, "sorted")],
            "KMeans" => ["--input", input, "--k", "2"],
            "LogisticRegression" => ["--train", input, "--iterations", "5"],
            _ => ["--edges", input, "--iterations", "3"],
        };
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Example_WithEventLog_WritesOneFinishedJsonLinesFile(string example)
    {
        var events = Path.Combine(_temp, "events");
        var result = await ProgramRunner.RunAsync(example, [.. Arguments(example), "--master", "local[2]", "--event-log", events]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var file = Assert.Single(Directory.GetFiles(events));
        Assert.Matches(@"app-[0-9]{14}-[0-9a-f]{8}\.jsonl$", file);
        var records = File.ReadAllLines(file).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var names = records.Select(r => r.GetProperty("event").GetString()).ToList();
        Assert.Equal("ApplicationStart", names[0]);
        Assert.Equal("ApplicationEnd", names[^1]);
        Assert.Equal(names.Count(n => n == "JobStart"), names.Count(n => n == "JobEnd"));
        Assert.Contains("JobStart", names);
        Assert.Equal(names.Count(n => n == "TaskStart"), names.Count(n => n == "TaskEnd"));
        Assert.All(records.Where(r => r.GetProperty("event").GetString() == "JobEnd"), r => Assert.True(r.GetProperty("succeeded").GetBoolean()));
    }
}

using System.Text;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>TextFileWithLineNumbers: every line once, numbered within its own file whatever the splits.</summary>
public sealed class TextFileWithLineNumbersTests(ContextFixture fixture) : IClassFixture<ContextFixture>, IDisposable
{
    private readonly DataflowContext _ctx = fixture.Context;
    private readonly string _temp = Directory.CreateTempSubdirectory("dataflow-numbered-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private async Task<List<(string File, long Line, string Text)>> WriteFilesAsync(Random random, string directory, int files)
    {
        Directory.CreateDirectory(directory);
        var expected = new List<(string File, long Line, string Text)>();
        for (var f = 0; f < files; f++)
        {
            var path = Path.Combine(directory, $"f{f}.txt");
            var lines = Enumerable.Range(0, random.Next(0, 400))
                .Select(i => random.Next(5) == 0 ? "" : $"l{i} {new string('x', random.Next(0, 60))} é日")
                .ToList();
            var separator = f % 2 == 0 ? "\n" : "\r\n";
            // Some files end with a line end, some without; an empty file has no lines.
            var ended = random.Next(2) == 0 && lines.Count > 0;
            var text = string.Join(separator, lines) + (ended ? separator : "");
            await File.WriteAllTextAsync(path, text, new UTF8Encoding(false), Ct);
            if (text.Length == 0)
            {
                continue;
            }

            // Without a final line end, an empty last line is no line.
            var kept = ended || lines[^1].Length > 0 ? lines : lines[..^1];
            expected.AddRange(kept.Select((line, i) => (path, i + 1L, line)));
        }

        return expected;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 7)]
    [InlineData(3, 40)]
    public async Task TextFileWithLineNumbers_AnySplits_NumbersEveryLineWithinItsFile(int seed, int minPartitions)
    {
        var random = new Random(seed);
        var directory = Path.Combine(_temp, $"in{seed}");
        var expected = await WriteFilesAsync(random, directory, 4);
        var rdd = _ctx.TextFileWithLineNumbers(directory, minPartitions);
        Assert.Equal(expected, await rdd.ToListAsync(Ct));
        // A second action reuses the counts and gives the same numbers.
        Assert.Equal(expected.Where(r => r.Line % 3 == 0), await rdd.Where(r => r.Line % 3 == 0).ToListAsync(Ct));
    }

    [Fact]
    public async Task TextFileWithLineNumbers_OneSplitPerFile_RunsNoCountingJob()
    {
        var directory = Path.Combine(_temp, "small");
        var expected = await WriteFilesAsync(new Random(4), directory, 2);
        await fixture.ResetEventsAsync();
        var rdd = _ctx.TextFileWithLineNumbers(directory, minPartitions: 1);
        Assert.Equal(expected, await rdd.ToListAsync(Ct));
        await _ctx.Listeners.FlushAsync();
        Assert.Single(fixture.Recorder.Events.OfType<JobStartEvent>());
    }

    [Fact]
    public async Task TextFileWithLineNumbers_OnlyEmptyFiles_HasNoPartitionsAndNoLines()
    {
        var path = Path.Combine(_temp, "empty.txt");
        await File.WriteAllTextAsync(path, "", Ct);

        var rdd = _ctx.TextFileWithLineNumbers(path);

        Assert.Empty(await rdd.ToListAsync(Ct));
        Assert.Equal(0, rdd.NumPartitions);
    }

    [Fact]
    public async Task TextFileWithLineNumbers_ManySplits_CountsBeforeTheFirstJobOnly()
    {
        var path = Path.Combine(_temp, "many.txt");
        await File.WriteAllLinesAsync(path, Enumerable.Range(0, 1000).Select(i => $"line {i}"), Ct);
        await fixture.ResetEventsAsync();
        var rdd = _ctx.TextFileWithLineNumbers(path, minPartitions: 8);
        await _ctx.Listeners.FlushAsync();
        Assert.Empty(fixture.Recorder.Events);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), await rdd.Select(r => r.Line).ToListAsync(Ct));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"line {i}"), await rdd.Select(r => r.Text).ToListAsync(Ct));
        await _ctx.Listeners.FlushAsync();
        // One counting job before the first action, none before the second.
        Assert.True(rdd.NumPartitions >= 8);
        Assert.Equal(3, fixture.Recorder.Events.OfType<JobStartEvent>().Count());
    }
}

using System.Text;
using Dataflow.IO;
using Dataflow.Scheduling;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>TextFile and SaveAsTextFileAsync end to end: splits, skipped files, atomic output, failure cleanup.</summary>
public sealed class TextFileAndOutputTests(ContextFixture fixture) : IClassFixture<ContextFixture>, IDisposable
{
    private readonly DataflowContext _ctx = fixture.Context;
    private readonly string _temp = Directory.CreateTempSubdirectory("dataflow-text-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task TextFile_DirectoryWithManySplits_ReadsEveryLineOnceAndSkipsHiddenFiles()
    {
        var random = new Random(7);
        var expected = new List<string>();
        for (var f = 0; f < 3; f++)
        {
            var lines = Enumerable.Range(0, 2000).Select(i => $"file{f} line {i} {new string('x', random.Next(0, 80))} é日本").ToList();
            expected.AddRange(lines);
            await File.WriteAllTextAsync(Path.Combine(_temp, $"f{f}.txt"), string.Join(f == 1 ? "\r\n" : "\n", lines), Ct);
        }

        await File.WriteAllTextAsync(Path.Combine(_temp, "_SUCCESS"), "not data", Ct);
        await File.WriteAllTextAsync(Path.Combine(_temp, ".hidden"), "not data", Ct);
        var rdd = _ctx.TextFile(_temp, minPartitions: 17);
        Assert.True(rdd.NumPartitions >= 17);
        Assert.Equal(expected.Order(StringComparer.Ordinal), (await rdd.ToListAsync(Ct)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TextFile_SymbolicLinks_AreReadToTheEndOfTheirTargets()
    {
        // A link's own length is that of the path it holds: splitting by it once read a few bytes of each target.
        var target = Path.Combine(_temp, "target.txt");
        var lines = Enumerable.Range(0, 5000).Select(i => $"line {i}").ToList();
        await File.WriteAllLinesAsync(target, lines, Ct);
        var links = Directory.CreateDirectory(Path.Combine(_temp, "links")).FullName;
        File.CreateSymbolicLink(Path.Combine(links, "a.txt"), target);
        File.CreateSymbolicLink(Path.Combine(links, "b.txt"), Path.Combine(_temp, "target.txt"));
        var chained = Path.Combine(_temp, "chained.txt");
        File.CreateSymbolicLink(chained, Path.Combine(links, "a.txt"));

        Assert.Equal(2L * lines.Count, await _ctx.TextFile(links, minPartitions: 4).CountAsync(Ct));
        Assert.Equal(lines, await _ctx.TextFile(chained).ToListAsync(Ct));
    }

    [Fact]
    public async Task TextFile_MissingPath_FailsTheActionNamingThePath()
    {
        var missing = Path.Combine(_temp, "nothing-here");
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => _ctx.TextFile(missing).CountAsync(Ct));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveAsTextFile_WritesOnePartPerPartitionAndSuccessLast()
    {
        var output = Path.Combine(_temp, "out");
        var data = Enumerable.Range(0, 1000).Select(i => (i, $"v{i}")).ToArray();
        await _ctx.Parallelize(data, 4).SaveAsTextFileAsync(output, cancellationToken: Ct);
        var files = Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["_SUCCESS", "part-00000", "part-00001", "part-00002", "part-00003"], files);
        var lines = new List<string>();
        foreach (var part in files.Where(f => f!.StartsWith("part-", StringComparison.Ordinal)))
        {
            lines.AddRange(await File.ReadAllLinesAsync(Path.Combine(output, part!), Encoding.UTF8, Ct));
        }

        Assert.Equal(data.Select(d => d.ToString()), lines);
        Assert.DoesNotContain(Directory.GetDirectories(_temp), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public async Task SaveAsTextFile_FailingTask_LeavesNoOutputAndNoStaging()
    {
        var output = Path.Combine(_temp, "failed");
        var rdd = _ctx.Parallelize(Enumerable.Range(0, 100), 4).Select(i => i == 77 ? throw new InvalidDataException("record 77") : i);
        await Assert.ThrowsAsync<JobFailedException>(() => rdd.SaveAsTextFileAsync(output, cancellationToken: Ct));
        Assert.False(Directory.Exists(output));
        Assert.Empty(Directory.GetFileSystemEntries(_temp));
    }

    [Fact]
    public async Task SaveAsTextFile_ExistingOutput_RefusedUnlessOverwrite()
    {
        var output = Path.Combine(_temp, "existing");
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, "old"), "old", Ct);
        var rdd = _ctx.Parallelize(new[] { "new" }, 1);
        await Assert.ThrowsAsync<OutputExistsException>(() => rdd.SaveAsTextFileAsync(output, cancellationToken: Ct));
        Assert.True(File.Exists(Path.Combine(output, "old")));
        await rdd.SaveAsTextFileAsync(output, overwrite: true, Ct);
        Assert.False(File.Exists(Path.Combine(output, "old")));
        Assert.Equal(["new"], await File.ReadAllLinesAsync(Path.Combine(output, "part-00000"), Ct));
    }

    [Fact]
    public async Task TakeAsync_FirstPartitionSuffices_RunsOneTask()
    {
        var rdd = _ctx.Parallelize(Enumerable.Range(0, 1000), 10);
        await fixture.ResetEventsAsync();
        Assert.Equal([0, 1, 2], await rdd.TakeAsync(3, Ct));
        await _ctx.Listeners.FlushAsync();
        Assert.Single(fixture.Recorder.Events.OfType<TaskEndEvent>());
    }

    [Fact]
    public async Task TakeAsync_SparseData_ScansMorePartitionsInGrowingRounds()
    {
        // Only the last partition has data: rounds scan 1, then 4, then the remaining 5 partitions.
        var rdd = _ctx.Parallelize(Enumerable.Range(0, 10), 10).Where(x => x == 9);
        await fixture.ResetEventsAsync();
        Assert.Equal([9], await rdd.TakeAsync(1, Ct));
        await _ctx.Listeners.FlushAsync();
        Assert.Equal(3, fixture.Recorder.Events.OfType<JobStartEvent>().Count());
        Assert.Equal(10, fixture.Recorder.Events.OfType<TaskEndEvent>().Count());
    }
}

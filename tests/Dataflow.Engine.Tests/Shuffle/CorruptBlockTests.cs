using Dataflow.Configuration;
using Dataflow.Scheduling;
using Dataflow.Shuffle;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Shuffle;

/// <summary>
/// A shuffle block that is corrupt or missing raises <see cref="FetchFailedException"/> naming the block; its data is
/// never used. With fetch-failure recovery the job may then succeed by recomputing the map output, so the tests
/// accept either outcome, but never a wrong answer.
/// </summary>
public sealed class CorruptBlockTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (DataflowContext Context, EventRecorder Recorder) NewContext(bool compress)
    {
        var options = new DataflowOptions { Master = "local[2]" };
        options.Shuffle.Compress = compress;
        options.Scheduler.MaxTaskFailures = 2;
        // The tests corrupt the data files, so map outputs must be files, never kept in memory.
        options.Shuffle.InMemoryOutputThreshold = new ByteSize(0);
        var context = new DataflowContext(options);
        var recorder = new EventRecorder();
        context.Listeners.Add(recorder);
        return (context, recorder);
    }

    private static string[] DataFiles(DataflowContext context) =>
        Directory.GetFiles(context.WorkDirectory, "shuffle_*.data", SearchOption.AllDirectories);

    private static async Task AssertFetchFailedOrCorrect(DataflowContext context, EventRecorder recorder, Rdd<(int Key, long Value)> sums,
        List<(int Key, long Value)> expected)
    {
        recorder.Clear();
        try
        {
            var again = await sums.ToListAsync(Ct);
            Assert.Equal(expected.Order(), again.Order());
        }
        catch (JobFailedException e)
        {
            var fetch = Assert.IsType<FetchFailedException>(e.InnerException);
            Assert.Matches(@"shuffle_\d+_\d+_\d+", fetch.Message);
        }

        await context.Listeners.FlushAsync();
        var failures = recorder.Events.OfType<TaskEndEvent>().Select(t => t.Error).OfType<FetchFailedException>().ToList();
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.Equal(sums.Dependencies.OfType<Dataflow.Dependencies.ShuffleDependency>().Single().ShuffleId, f.Block.ShuffleId));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Read_ByteFlippedInShuffleDataFile_RaisesFetchFailedNeverAWrongAnswer(bool compress)
    {
        var (context, recorder) = NewContext(compress);
        await using var _ = context;
        var random = new Random(5);
        var data = Enumerable.Range(0, 20_000).Select(_ => (Key: random.Next(300), Value: (long)random.Next(1000))).ToArray();
        var sums = context.Parallelize(data, 3).ReduceByKey((a, b) => a + b, 2);
        var expected = data.GroupBy(d => d.Key).Select(g => (g.Key, g.Sum(d => d.Value))).ToList();
        Assert.Equal(expected.Order(), (await sums.ToListAsync(Ct)).Order());

        // Flip one byte in the middle of every map output: inside some record's frame, never in a length that happens to fit.
        foreach (var file in DataFiles(context))
        {
            var bytes = await File.ReadAllBytesAsync(file, Ct);
            bytes[bytes.Length / 2] ^= 0x01;
            await File.WriteAllBytesAsync(file, bytes, Ct);
        }

        await AssertFetchFailedOrCorrect(context, recorder, sums, expected);
    }

    [Fact]
    public async Task Read_TruncatedShuffleDataFile_RaisesFetchFailed()
    {
        var (context, recorder) = NewContext(compress: true);
        await using var _ = context;
        var data = Enumerable.Range(0, 20_000).Select(i => (Key: i % 500, Value: (long)i)).ToArray();
        var sums = context.Parallelize(data, 2).ReduceByKey((a, b) => a + b, 1);
        var expected = await sums.ToListAsync(Ct);
        foreach (var file in DataFiles(context))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Write);
            stream.SetLength(stream.Length - 10);
        }

        await AssertFetchFailedOrCorrect(context, recorder, sums, expected);
    }
}

using System.Globalization;
using Dataflow.Configuration;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Tests.Support;
using Dataflow.Storage;

namespace Dataflow.MLlib.Tests.Data;

/// <summary>Data sets larger than the executor's memory budget load, pack and cache (spilling to disk).</summary>
public sealed class LargeInputTests : IDisposable
{
    private const int Rows = 150_000;
    private const int Features = 12;
    private readonly TempDirectory _dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private static DataflowOptions SmallMemory()
    {
        var options = DataflowConfiguration.Load([new("Dataflow:Executor:Memory", "4m")], environment: new System.Collections.Hashtable());
        options.Master = "local[2]";
        return options;
    }

    [Fact]
    public async Task LoadCsv_FileLargerThanExecutorMemory_LoadsPacksAndCachesEveryRow()
    {
        // About 13 MB of text and 7 MB of float32 features, against a 4 MB executor budget.
        var file = Path.Combine(_dir.Path, "big.csv");
        double labelSum = 0, firstFeatureSum = 0;
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteLineAsync(string.Join(',', Enumerable.Range(0, Features).Select(j => $"f{j}").Append("label")));
            for (var i = 0; i < Rows; i++)
            {
                var label = i % 3;
                labelSum += label;
                firstFeatureSum += i * 0.25;
                await writer.WriteLineAsync(string.Join(',', Enumerable.Range(0, Features)
                    .Select(j => (j == 0 ? i * 0.25 : ((i % 97) + j) * 1.0001).ToString(CultureInfo.InvariantCulture)).Append(label.ToString(CultureInfo.InvariantCulture))));
            }
        }

        Assert.True(new FileInfo(file).Length > 3 * SmallMemory().Executor.Memory.Bytes);
        await using var ctx = new DataflowContext(SmallMemory());

        var points = await ctx.LoadCsvAsync(file, minPartitions: 4, cancellationToken: Ct);
        var count = await points.CountAsync(Ct);
        var sum = await points.Select(p => p.Features[0]).SumAsync(Ct);
        var blocks = points.ToBlocks(maxBlockBytes: 1 << 20).Persist(StorageLevel.MemoryAndDisk);
        var packed = await blocks.Select(b => (long)b.Rows).SumAsync(Ct);
        var labels = await blocks.Select(b => b.Labels.Sum()).SumAsync(Ct);

        Assert.Equal(Rows, count);
        Assert.Equal(firstFeatureSum, sum, 1e-6);
        Assert.Equal(Rows, packed);
        Assert.Equal(labelSum, labels);
        Assert.All(await blocks.Select(b => b.FeatureBytes).ToListAsync(Ct), bytes => Assert.True(bytes <= 1 << 20));
    }
}

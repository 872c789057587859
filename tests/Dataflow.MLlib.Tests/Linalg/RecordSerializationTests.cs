using Dataflow.MLlib.Data;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Tests.Support;
using Dataflow.Storage;

namespace Dataflow.MLlib.Tests.Linalg;

/// <summary>Points and blocks as RDD records: through a disk cache, a serialised cache and a shuffle.</summary>
public sealed class RecordSerializationTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<LabeledPoint> MixedPoints(int seed, int count)
    {
        var random = new Random(seed);
        var points = new List<LabeledPoint>();
        for (var i = 0; i < count; i++)
        {
            const int size = 12;
            var indices = Enumerable.Range(0, size).Where(_ => random.NextDouble() < 0.3).ToArray();
            Vector features = random.Next(2) == 0
                ? Vectors.Dense([.. Enumerable.Range(0, size).Select(_ => random.NextDouble() - 0.5)])
                : Vectors.Sparse(size, indices, [.. indices.Select(j => (j + 1) * 1.25e-3)]);
            points.Add(new LabeledPoint(random.Next(3) - 1, features));
        }

        return points;
    }

    [Theory]
    [InlineData("DiskOnly")]
    [InlineData("MemoryOnlySerialized")]
    [InlineData("MemoryAndDiskSerialized")]
    public async Task LabeledPoints_PersistedSerialised_ReadBackEqualWithTheirStorage(string level)
    {
        var points = MixedPoints(1, 300);
        var storage = (StorageLevel)typeof(StorageLevel).GetProperty(level)!.GetValue(null)!;
        var rdd = _ctx.Parallelize(points, 4).Persist(storage);

        await rdd.CountAsync(Ct);
        var back = await rdd.ToListAsync(Ct);

        Assert.Equal(points, back);
        Assert.Equal(points.Select(p => p.Features.GetType()), back.Select(p => p.Features.GetType()));
        await rdd.UnpersistAsync();
    }

    [Fact]
    public async Task LabeledPoints_ThroughAShuffle_ArriveUnchanged()
    {
        var points = MixedPoints(2, 500);

        var grouped = await _ctx.Parallelize(points, 5)
            .Select(p => (Key: p.Label, Point: p))
            .GroupByKey(3)
            .ToListAsync(Ct);

        var back = grouped.SelectMany(g => g.Value).ToList();
        Assert.Equal(points.Count, back.Count);
        foreach (var label in new[] { -1.0, 0.0, 1.0 })
        {
            var expected = points.Where(p => p.Label == label).Select(p => p.ToString()).Order();
            Assert.Equal(expected, back.Where(p => p.Label == label).Select(p => p.ToString()).Order());
        }

        Assert.All(back, p => Assert.Equal(points.First(q => q.ToString() == p.ToString()).Features.GetType(), p.Features.GetType()));
    }

    [Fact]
    public async Task Vectors_ThroughARepartition_ArriveUnchanged()
    {
        var vectors = MixedPoints(3, 200).Select(p => p.Features).ToList();

        var back = await _ctx.Parallelize(vectors, 3).Repartition(4).ToListAsync(Ct);

        Assert.Equal(vectors.Select(v => v.ToString()).Order(), back.Select(v => v.ToString()).Order());
    }

    [Fact]
    public async Task InstanceBlocks_PersistedDiskOnly_ReadBackWithEveryArray()
    {
        var points = MixedPoints(4, 400);
        var blocks = _ctx.Parallelize(points, 3).ToBlocks(maxBlockBytes: 2048).Persist(StorageLevel.DiskOnly);
        var inMemory = await _ctx.Parallelize(points, 3).ToBlocks(maxBlockBytes: 2048).ToListAsync(Ct);

        await blocks.CountAsync(Ct);
        var back = await blocks.ToListAsync(Ct);

        Assert.Equal(inMemory.Count, back.Count);
        for (var i = 0; i < back.Count; i++)
        {
            Assert.Equal(inMemory[i].Rows, back[i].Rows);
            Assert.Equal(inMemory[i].Features, back[i].Features);
            Assert.Equal(inMemory[i].IsSparse, back[i].IsSparse);
            Assert.Equal(inMemory[i].Values, back[i].Values);
            Assert.Equal(inMemory[i].Indices, back[i].Indices);
            Assert.Equal(inMemory[i].RowOffsets, back[i].RowOffsets);
            Assert.Equal(inMemory[i].Labels, back[i].Labels);
            Assert.Equal(inMemory[i].Norms, back[i].Norms);
        }

        await blocks.UnpersistAsync();
    }
}

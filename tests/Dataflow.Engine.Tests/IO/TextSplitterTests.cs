using System.IO.Compression;
using Dataflow.IO;

namespace Dataflow.Tests.IO;

public sealed class TextSplitterTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private FileInfo File(string name, int length) => new(_dir.Write(name, new byte[length]));

    [Fact]
    public void Compute_OneFileTenPartitions_CutsEqualSplits()
    {
        var file = File("a.txt", 100_000);

        var splits = TextSplitter.Compute([file], minPartitions: 10);

        Assert.Equal(10, splits.Count);
        Assert.All(splits, s => Assert.Equal(10_000, s.Length));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 10_000L), splits.Select(s => s.Start));
        Assert.All(splits, s => Assert.False(s.IsWholeFile));
    }

    [Fact]
    public void Compute_TailWithinSlop_MergesIntoLastSplit()
    {
        var file = File("a.txt", 105);

        var splits = TextSplitter.Compute([file], minPartitions: 1, maxSplitBytes: 50);

        Assert.Equal([(0L, 50L), (50L, 55L)], splits.Select(s => (s.Start, s.Length)));
    }

    [Fact]
    public void Compute_TailBeyondSlop_GetsItsOwnSplit()
    {
        var file = File("a.txt", 106);

        var splits = TextSplitter.Compute([file], minPartitions: 1, maxSplitBytes: 50);

        Assert.Equal([(0L, 50L), (50L, 50L), (100L, 6L)], splits.Select(s => (s.Start, s.Length)));
    }

    [Fact]
    public void Compute_MinSplitBytes_WinsOverGoal()
    {
        var file = File("a.txt", 1000);

        var splits = TextSplitter.Compute([file], minPartitions: 100, minSplitBytes: 450);

        // 1000 / 100 = 10 is below the floor, so 450-byte splits; the 100-byte tail exceeds the 10% slop.
        Assert.Equal([(0L, 450L), (450L, 450L), (900L, 100L)], splits.Select(s => (s.Start, s.Length)));
    }

    [Fact]
    public void Compute_SeveralFiles_UsesTotalSizeForGoalAndCoversEachFile()
    {
        FileInfo[] files = [File("a", 300), File("b", 50), File("c", 1000)];

        var splits = TextSplitter.Compute(files, minPartitions: 7);

        // goal = 1350 / 7 = 192; the tail of c at 768 is 232 bytes, 1.21 split sizes, so it is cut once more.
        Assert.Equal(
            [("a", 0L, 192L), ("a", 192L, 108L), ("b", 0L, 50L), ("c", 0L, 192L), ("c", 192L, 192L),
             ("c", 384L, 192L), ("c", 576L, 192L), ("c", 768L, 192L), ("c", 960L, 40L)],
            splits.Select(s => (Path.GetFileName(s.Path), s.Start, s.Length)));
    }

    [Fact]
    public void Compute_GzipFile_IsOneWholeFileSplit()
    {
        string path = _dir.Combine("a.txt.gz");
        using (var gz = new GZipStream(System.IO.File.Create(path), CompressionLevel.Fastest))
        {
            gz.Write(new byte[100_000]);
        }

        var splits = TextSplitter.Compute([new FileInfo(path)], minPartitions: 8);

        var split = Assert.Single(splits);
        Assert.True(split.IsWholeFile);
        Assert.Equal(0, split.Start);
        Assert.Equal(new FileInfo(path).Length, split.Length);
    }

    [Fact]
    public void Compute_OnlyEmptyFiles_ReturnsNoSplits()
    {
        _dir.Write("d/a", []);
        _dir.Write("d/b", []);

        var splits = TextSplitter.Compute(InputPaths.Expand(_dir.Combine("d")), minPartitions: 4);

        Assert.Empty(splits);
    }

    [Fact]
    public void Compute_FileLengthChangedAfterListing_UsesCurrentLength()
    {
        var file = File("a", 10);
        Assert.Equal(10, file.Length);
        _dir.Write("a", new byte[20]);

        var split = Assert.Single(TextSplitter.Compute([file], minPartitions: 1));

        Assert.Equal(20, split.Length);
    }

    [Fact]
    public void Compute_ZeroMinPartitions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TextSplitter.Compute([], minPartitions: 0));
    }
}

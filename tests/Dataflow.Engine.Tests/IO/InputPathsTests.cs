using Dataflow.IO;

namespace Dataflow.Tests.IO;

public sealed class InputPathsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string[] Relative(IReadOnlyList<FileInfo> files) =>
        files.Select(f => Path.GetRelativePath(_dir.Path, f.FullName).Replace('\\', '/')).ToArray();

    [Fact]
    public void Expand_File_ReturnsThatFile()
    {
        string file = _dir.Write("a.txt", "x\n");

        var files = InputPaths.Expand(file);

        Assert.Equal([file], files.Select(f => f.FullName));
    }

    [Fact]
    public void Expand_RelativePath_ResolvesAgainstCurrentDirectory()
    {
        string file = _dir.Write("rel.txt", "x\n");
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), file);

        var files = InputPaths.Expand(relative);

        Assert.Equal([file], files.Select(f => f.FullName));
    }

    [Fact]
    public void Expand_Directory_ListsVisibleTopLevelFilesSorted()
    {
        _dir.Write("out/part-00001", "b");
        _dir.Write("out/part-00000", "a");
        _dir.Write("out/_SUCCESS", "");
        _dir.Write("out/.part-00000.crc", "");
        _dir.Write("out/sub/nested.txt", "n");

        var files = InputPaths.Expand(_dir.Combine("out"));

        Assert.Equal(["out/part-00000", "out/part-00001"], Relative(files));
    }

    [Fact]
    public void Expand_EmptyDirectory_ReturnsNoFiles()
    {
        Directory.CreateDirectory(_dir.Combine("empty"));

        Assert.Empty(InputPaths.Expand(_dir.Combine("empty")));
    }

    [Fact]
    public void Expand_StarAndQuestionMark_MatchWithinOneSegment()
    {
        _dir.Write("d/a1.txt", "");
        _dir.Write("d/a22.txt", "");
        _dir.Write("d/b1.txt", "");
        _dir.Write("d/a1.csv", "");
        _dir.Write("d/_a3.txt", "");

        Assert.Equal(["d/a1.txt", "d/a22.txt"], Relative(InputPaths.Expand(_dir.Combine("d", "a*.txt"))));
        Assert.Equal(["d/a1.txt", "d/b1.txt"], Relative(InputPaths.Expand(_dir.Combine("d", "?1.txt"))));
    }

    [Fact]
    public void Expand_BracesAndClasses_MatchAlternatives()
    {
        _dir.Write("d/a.txt", "");
        _dir.Write("d/b.txt", "");
        _dir.Write("d/c.txt", "");
        _dir.Write("d/x.log", "");

        Assert.Equal(["d/a.txt", "d/c.txt"], Relative(InputPaths.Expand(_dir.Combine("d", "{a,c}.txt"))));
        Assert.Equal(["d/a.txt", "d/b.txt"], Relative(InputPaths.Expand(_dir.Combine("d", "[ab].txt"))));
        Assert.Equal(["d/c.txt"], Relative(InputPaths.Expand(_dir.Combine("d", "[!ab].txt"))));
        Assert.Equal(["d/a.txt", "d/x.log"], Relative(InputPaths.Expand(_dir.Combine("d", "{a.txt,*.log,a.*}"))));
    }

    [Fact]
    public void Expand_WildcardInDirectorySegment_MatchesAcrossDirectories()
    {
        _dir.Write("logs/2024/part-00000", "");
        _dir.Write("logs/2025/part-00000", "");
        _dir.Write("logs/2025/_SUCCESS", "");
        _dir.Write("logs/_tmp/part-00000", "");
        _dir.Write("logs/.hidden/part-00000", "");
        _dir.Write("logs/2025/other", "");

        var files = InputPaths.Expand(_dir.Combine("logs", "*", "part-*"));

        Assert.Equal(["logs/2024/part-00000", "logs/2025/part-00000"], Relative(files));
    }

    [Fact]
    public void Expand_GlobMatchingDirectories_ReadsTheirFiles()
    {
        _dir.Write("runs/r1/part-00000", "");
        _dir.Write("runs/r1/_SUCCESS", "");
        _dir.Write("runs/r2/part-00000", "");

        var files = InputPaths.Expand(_dir.Combine("runs", "r*"));

        Assert.Equal(["runs/r1/part-00000", "runs/r2/part-00000"], Relative(files));
    }

    [Fact]
    public void Expand_MissingPath_ThrowsNamingThePath()
    {
        string missing = _dir.Combine("nope.txt");

        var e = Assert.Throws<FileNotFoundException>(() => InputPaths.Expand(missing));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_GlobMatchingNothing_ThrowsNamingThePattern()
    {
        _dir.Write("d/_SUCCESS", "");
        string pattern = _dir.Combine("d", "*");

        var e = Assert.Throws<FileNotFoundException>(() => InputPaths.Expand(pattern));

        Assert.Contains(pattern, e.Message, StringComparison.Ordinal);
        Assert.Contains("matched no files", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_ExplicitHiddenFile_ThrowsExplainingWhy()
    {
        string hidden = _dir.Write("_meta", "x");

        var e = Assert.Throws<FileNotFoundException>(() => InputPaths.Expand(hidden));

        Assert.Contains(hidden, e.Message, StringComparison.Ordinal);
        Assert.Contains("hidden", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_LiteralNameWithGlobCharacters_IsFoundAsIs()
    {
        string file = _dir.Write("data[1].txt", "x");
        _dir.Write("data1.txt", "y");

        Assert.Equal([file], InputPaths.Expand(file).Select(f => f.FullName));
    }

    [Fact]
    public void ExpandBraces_Nested_ExpandsEveryAlternative()
    {
        Assert.Equal(["a", "bc", "bd"], PathGlob.ExpandBraces("{a,b{c,d}}"));
        Assert.Equal(["x1y", "x2y"], PathGlob.ExpandBraces("x{1,2}y"));
        Assert.Equal(["{unbalanced"], PathGlob.ExpandBraces("{unbalanced"));
    }
}

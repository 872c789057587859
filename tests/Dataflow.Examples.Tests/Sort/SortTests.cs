using System.Diagnostics;
using System.Text;
using Dataflow.Examples.Sort;

namespace Dataflow.Examples.Tests.Sort;

/// <summary>Sort, run as a program and in-process, checked byte for byte against <c>LC_ALL=C sort</c>.</summary>
public sealed class SortTests : IDisposable
{
    private const string SortProgram = "/usr/bin/sort";
    private readonly string _temp = Directory.CreateTempSubdirectory("sort-test-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    /// <summary>The output of <c>LC_ALL=C sort FILES...</c>.</summary>
    private static async Task<byte[]> CSortAsync(params string[] files)
    {
        Assert.SkipUnless(File.Exists(SortProgram), $"{SortProgram} is not installed");
        var start = new ProcessStartInfo(SortProgram) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start)!;
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout, Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        await copy;
        Assert.True(process.ExitCode == 0, await stderr);
        return stdout.ToArray();
    }

    /// <summary>The part files of <paramref name="output"/> concatenated in name order, after checking <c>_SUCCESS</c>.</summary>
    private static async Task<byte[]> ReadPartsAsync(string output, int? expectedParts = null)
    {
        Assert.True(File.Exists(Path.Combine(output, "_SUCCESS")), $"no _SUCCESS in {output}");
        var parts = Directory.GetFiles(output, "part-*").Order(StringComparer.Ordinal).ToArray();
        if (expectedParts is { } count)
        {
            Assert.Equal(count, parts.Length);
        }

        var bytes = new List<byte>();
        foreach (var part in parts)
        {
            bytes.AddRange(await File.ReadAllBytesAsync(part, Ct));
        }

        return [.. bytes];
    }

    /// <summary>Lines with duplicates, empty lines, '\r', invalid UTF-8, non-ASCII, NUL and bytes above 0x7F.</summary>
    private static byte[] TrickyLines(Random random, int count)
    {
        byte[][] pieces = ["a"u8.ToArray(), "A"u8.ToArray(), "b"u8.ToArray(), " "u8.ToArray(), "\t"u8.ToArray(), "\r"u8.ToArray(), [0xFF],
            [0xC3], "é"u8.ToArray(), "日本"u8.ToArray(), [0x00], [0x7F], [0x80], "zz"u8.ToArray(), "-1"u8.ToArray(), "10"u8.ToArray()];
        var text = new List<byte>();
        for (var i = 0; i < count; i++)
        {
            var length = random.Next(0, 5);
            for (var j = 0; j < length; j++)
            {
                text.AddRange(pieces[random.Next(pieces.Length)]);
            }

            text.Add((byte)'\n');
        }

        return [.. text];
    }

    private async Task<string[]> WriteInputAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(17);
        var longLine = new byte[(1 << 20) + 3];
        random.NextBytes(longLine);
        longLine.AsSpan().Replace((byte)'\n', (byte)'x');
        var files = new[] { Path.Combine(directory, "a.txt"), Path.Combine(directory, "b.txt"), Path.Combine(directory, "c.txt") };
        await File.WriteAllBytesAsync(files[0], TrickyLines(random, 3000), Ct);
        // The long line and a last line without '\n', which both programs end with one.
        await File.WriteAllBytesAsync(files[1], [.. TrickyLines(random, 50), .. longLine, (byte)'\n', .. TrickyLines(random, 50), .. "no newline\r"u8], Ct);
        await File.WriteAllBytesAsync(files[2], [.. "\r\n\n\nsame\nsame\r\nsame\n"u8], Ct);
        await File.WriteAllTextAsync(Path.Combine(directory, "_SUCCESS"), "not input\n", Ct);
        return files;
    }

    [Fact]
    public async Task Sort_ThreePartitions_EqualsCSortOfTheVisibleFiles()
    {
        var input = Path.Combine(_temp, "in");
        var files = await WriteInputAsync(input);
        var output = Path.Combine(_temp, "out");
        var result = await ProgramRunner.RunAsync("Sort", "--input", input, "--output", output, "--partitions", "3", "--master", "local[2]");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.Equal(await CSortAsync(files), await ReadPartsAsync(output, expectedParts: 3));
    }

    [Fact]
    public async Task Sort_GlobWithDefaultPartitions_EqualsCSort()
    {
        var input = Path.Combine(_temp, "glob");
        var files = await WriteInputAsync(input);
        var output = Path.Combine(_temp, "glob-out");
        var result = await ProgramRunner.RunAsync("Sort", "--input", Path.Combine(input, "[ab].txt"), "--output", output, "--executor-memory", "256m");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(await CSortAsync(files[0], files[1]), await ReadPartsAsync(output));
    }

    [Fact]
    public async Task Sort_EmptyInput_WritesOneEmptyPartAndSuccess()
    {
        var input = Path.Combine(_temp, "empty.txt");
        await File.WriteAllBytesAsync(input, [], Ct);
        var output = Path.Combine(_temp, "empty-out");
        var result = await ProgramRunner.RunAsync("Sort", "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Empty(await ReadPartsAsync(output, expectedParts: 1));
    }

    [Fact]
    public async Task Sort_ExistingOutput_ExitsTwoUnlessOverwrite()
    {
        var input = Path.Combine(_temp, "small.txt");
        await File.WriteAllTextAsync(input, "b\na\n", Ct);
        var output = Path.Combine(_temp, "existing");
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, "keep.txt"), "precious", Ct);
        var refused = await ProgramRunner.RunAsync("Sort", "--input", input, "--output", output);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--overwrite", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.GetFiles(output).Select(Path.GetFileName));

        var replaced = await ProgramRunner.RunAsync("Sort", "--input", input, "--output", output, "--overwrite", "--partitions", "2");
        Assert.True(replaced.ExitCode == 0, replaced.Stderr);
        Assert.Equal("a\nb\n"u8.ToArray(), await ReadPartsAsync(output, expectedParts: 2));
    }

    [Theory]
    [InlineData("--input", "x")]
    [InlineData("--input", "x", "--output", "y", "--partitions", "0")]
    [InlineData("--output", "y")]
    public async Task Sort_BadArguments_AreUsageErrors(params string[] args)
    {
        var result = await ProgramRunner.RunAsync("Sort", args);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Sort: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sort_MissingInput_ExitsTwoNamingThePath()
    {
        var missing = Path.Combine(_temp, "nope.txt");
        var result = await ProgramRunner.RunAsync("Sort", "--input", missing, "--output", Path.Combine(_temp, "o"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(missing, result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_temp, "o")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task LineSort_InProcessOverByteLines_EqualsCSort(int seed)
    {
        var random = new Random(seed);
        var file = Path.Combine(_temp, $"random{seed}.txt");
        await File.WriteAllBytesAsync(file, TrickyLines(random, random.Next(0, 4000)), Ct);
        await using var ctx = new DataflowContext("local[2]");
        var lines = ctx.ByteLines(file, minPartitions: random.Next(1, 6));
        var sorted = await LineSort.Sort(lines, random.Next(1, 8)).ToListAsync(Ct);
        var joined = new List<byte>();
        foreach (var line in sorted)
        {
            joined.AddRange(line);
            joined.Add((byte)'\n');
        }

        Assert.Equal(Encoding.Latin1.GetString(await CSortAsync(file)), Encoding.Latin1.GetString([.. joined]));
    }
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Dataflow.Examples.WordCount;

namespace Dataflow.Examples.Tests.WordCount;

/// <summary>WordCount run as a program on real texts, checked against an independent count.</summary>
public sealed class WordCountTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("wordcount-test-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    /// <summary>The same word rule, implemented independently with a regular expression over letters.</summary>
    private static Dictionary<string, int> IndependentCount(string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in Regex.Matches(text, @"\p{L}+"))
        {
            var word = m.Value.ToLowerInvariant();
            counts[word] = counts.GetValueOrDefault(word) + 1;
        }

        return counts;
    }

    private static List<string> ExpectedTop(Dictionary<string, int> counts, int n) =>
        [.. counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(n).Select(kv => $"{kv.Key}\t{kv.Value}")];

    [Theory]
    [InlineData("austen.txt")]
    [InlineData("jargon.txt")]
    public async Task WordCount_Top_MatchesIndependentCount(string file)
    {
        var path = ProgramRunner.DataFile(file);
        var result = await ProgramRunner.RunAsync("WordCount", "--input", path, "--master", "local[2]");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var expected = ExpectedTop(IndependentCount(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)), 20);
        Assert.Equal(expected, result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task WordCount_Output_WritesEveryWordAndSuccessMarker()
    {
        var input = Path.Combine(_temp, "in");
        Directory.CreateDirectory(input);
        // Two files, one with CRLF line ends and non-ASCII words, plus a file that must be skipped.
        await File.WriteAllTextAsync(Path.Combine(input, "a.txt"), await File.ReadAllTextAsync(ProgramRunner.DataFile("jargon.txt"), TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(input, "b.txt"), "Ärger über Öl\r\nÜBER alles, ärger!\r\nnaïve café CAFÉ", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(input, "_ignored.txt"), "zqxjignored zqxjignored", TestContext.Current.CancellationToken);
        var output = Path.Combine(_temp, "out");
        var result = await ProgramRunner.RunAsync("WordCount", "--input", input, "--output", output, "--master", "local[2]");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.True(File.Exists(Path.Combine(output, "_SUCCESS")));
        var actual = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in Directory.GetFiles(output, "part-*").Order(StringComparer.Ordinal))
        {
            foreach (var line in await File.ReadAllLinesAsync(part, Encoding.UTF8, TestContext.Current.CancellationToken))
            {
                var tab = line.IndexOf('\t', StringComparison.Ordinal);
                actual.Add(line[..tab], int.Parse(line[(tab + 1)..], CultureInfo.InvariantCulture));
            }
        }

        var text = await File.ReadAllTextAsync(Path.Combine(input, "a.txt"), TestContext.Current.CancellationToken) + "\n" + await File.ReadAllTextAsync(Path.Combine(input, "b.txt"), TestContext.Current.CancellationToken);
        Assert.Equal(IndependentCount(text).OrderBy(kv => kv.Key, StringComparer.Ordinal), actual.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.False(actual.ContainsKey("zqxjignored"));
    }

    [Fact]
    public async Task WordCount_ClusterNotRunning_ExitsOneWithOneLineSayingSo()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var result = await ProgramRunner.RunAsync("WordCount", "--input", ProgramRunner.DataFile("austen.txt"), "--master", $"orleans://127.0.0.1:{port}");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"Cannot connect to the cluster at orleans://127.0.0.1:{port}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WordCount_MissingInput_ExitsTwoNamingThePath()
    {
        var missing = Path.Combine(_temp, "nope.txt");
        var result = await ProgramRunner.RunAsync("WordCount", "--input", missing);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(missing, result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task WordCount_ExistingOutput_ExitsTwoAndLeavesItAlone()
    {
        var output = Path.Combine(_temp, "existing");
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, "keep.txt"), "precious", TestContext.Current.CancellationToken);
        var result = await ProgramRunner.RunAsync("WordCount", "--input", ProgramRunner.DataFile("austen.txt"), "--output", output);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--overwrite", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.GetFiles(output).Select(Path.GetFileName));
    }

    [Fact]
    public async Task WordCount_UnknownOptionOrBadMaster_IsUsageError()
    {
        Assert.Equal(2, (await ProgramRunner.RunAsync("WordCount", "--input", "x", "--frobnicate", "1")).ExitCode);
        var badMaster = await ProgramRunner.RunAsync("WordCount", "--input", ProgramRunner.DataFile("austen.txt"), "--master", "spark://x");
        Assert.Equal(2, badMaster.ExitCode);
        Assert.Contains("local[N]", badMaster.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", badMaster.Stderr, StringComparison.Ordinal);
        Assert.Equal("WordCount: Unknown master 'spark://x'; use local, local[N], local[*], orleans://host:port[,host:port...] or orleans+redis://host:port[/db].",
            badMaster.Stderr.TrimEnd('\n'));
    }

    [Fact]
    public async Task WordCount_NonIntegralTop_IsUsageErrorWhileExponentFormCounts()
    {
        var input = Path.Combine(_temp, "few.txt");
        await File.WriteAllTextAsync(input, string.Join(' ', Enumerable.Range(0, 12).Select(i => new string((char)('a' + i), 2))), TestContext.Current.CancellationToken);
        var fractional = await ProgramRunner.RunAsync("WordCount", "--input", input, "--top", "1.5", "--master", "local[1]");
        Assert.Equal(2, fractional.ExitCode);
        Assert.Contains("--top: '1.5' is not a valid int", fractional.Stderr, StringComparison.Ordinal);
        Assert.Equal("", fractional.Stdout);

        var exponent = await ProgramRunner.RunAsync("WordCount", "--input", input, "--top", "1e1", "--master", "local[1]");
        Assert.True(exponent.ExitCode == 0, exponent.Stderr);
        Assert.Equal(10, exponent.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task WordCount_UnusableOutputPath_ExitsTwoNamingTheUsersPath()
    {
        var file = Path.Combine(_temp, "a-file");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);
        var underFile = Path.Combine(file, "out");
        var result = await ProgramRunner.RunAsync("WordCount", "--input", ProgramRunner.DataFile("jargon.txt"), "--output", underFile, "--master", "local[1]");
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"'{underFile}' is under '{file}', which is a file", line, StringComparison.Ordinal);
        Assert.DoesNotContain(".dataflow-", line, StringComparison.Ordinal);

        if (Directory.Exists("/proc/self"))
        {
            var proc = await ProgramRunner.RunAsync("WordCount", "--input", ProgramRunner.DataFile("jargon.txt"), "--output", "/proc/x", "--master", "local[1]");
            Assert.Equal(2, proc.ExitCode);
            var procLine = Assert.Single(proc.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("Output path '/proc/x' cannot be written: no directory can be created in '/proc'", procLine, StringComparison.Ordinal);
            Assert.DoesNotContain(".dataflow-", procLine, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Hello, World! hello", new[] { "hello", "world", "hello" })]
    [InlineData("don't stop-me now2go", new[] { "don", "t", "stop", "me", "now", "go" })]
    [InlineData("ÉCOLE 日本語 x", new[] { "école", "日本語", "x" })]
    [InlineData("", new string[0])]
    [InlineData("123 !!", new string[0])]
    public void Split_FollowsTheLetterRunRule(string line, string[] expected) => Assert.Equal(expected, Words.Split(line));

    [Fact]
    public void Top_RanksByCountThenOrdinalWord()
    {
        var items = new[] { ("b", 2), ("a", 2), ("c", 5), ("B", 2), ("d", 1) };
        Assert.Equal([("c", 5), ("B", 2), ("a", 2)], Words.Top(items, 3));
        Assert.Empty(Words.Top(items, 0));
    }
}

using System.Text.RegularExpressions;

namespace Dataflow.Examples.Tests;

/// <summary>The examples serve the driver's web UI unless told not to, and say where on stderr.</summary>
public sealed class WebUiTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("webui-examples-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task WordCount_WithUiPort0_AnnouncesTheUiOnStderr_StdoutHasOnlyResults()
    {
        var input = Path.Combine(_temp, "input.txt");
        await File.WriteAllTextAsync(input, "b a\nc b\n", TestContext.Current.CancellationToken);

        var result = await ProgramRunner.RunAsync("WordCount", "--input", input, "--master", "local[2]", "--ui-port", "0");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Matches(new Regex(@"^WordCount: web UI at http://127\.0\.0\.1:[0-9]+/$", RegexOptions.Multiline), result.Stderr);
        Assert.Equal(["b\t2", "a\t1", "c\t1"], result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // Standard error is redirected here, so no progress line is drawn.
        Assert.DoesNotContain("[Stage", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WordCount_WithNoUi_SaysNothingAboutAUi()
    {
        var input = Path.Combine(_temp, "input.txt");
        await File.WriteAllTextAsync(input, "b a\n", TestContext.Current.CancellationToken);

        var result = await ProgramRunner.RunAsync("WordCount", "--input", input, "--master", "local[2]", "--no-ui");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.DoesNotContain("web UI", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheUiOptionsAndKeys()
    {
        var result = await ProgramRunner.RunAsync("Sort", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--ui-port PORT", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--no-ui", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--no-progress", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Dataflow:Ui:Port", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadUiPort_IsAUsageError()
    {
        var result = await ProgramRunner.RunAsync("Sort", "--input", "x", "--output", Path.Combine(_temp, "o"), "--ui-port", "70000");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--ui-port must be a port from 0 to 65535, got 70000.", result.Stderr, StringComparison.Ordinal);
    }
}

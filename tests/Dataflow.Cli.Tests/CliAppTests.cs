using Dataflow.CommandLine;

namespace Dataflow.Cli.Tests;

/// <summary>The command dispatch, help, version and usage errors, run in-process.</summary>
public sealed class CliAppTests
{
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Help_ListsEveryCommand_OnStdoutAndExitsZero()
    {
        var (code, stdout, stderr) = await RunAsync("--help");

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Matches(@"(?m)^  submit +\S", stdout);
        Assert.Matches(@"(?m)^  workers +\S", stdout);
        Assert.Matches(@"(?m)^  cluster +\S", stdout);
        Assert.Matches(@"(?m)^  history +\S", stdout);
        Assert.Contains("--version", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_IsTheUisHistoryServer_UnderTheToolsName()
    {
        var (help, helpOut, _) = await RunAsync("history", "--help");
        var missing = Path.Combine(Path.GetTempPath(), "dataflow-no-such-logs-" + Guid.NewGuid().ToString("N"));
        var (code, _, stderr) = await RunAsync("history", missing);

        Assert.Equal(0, help);
        Assert.Contains("dataflow history", helpOut, StringComparison.Ordinal);
        Assert.Contains("EVENT-LOG-DIR", helpOut, StringComparison.Ordinal);
        Assert.Equal(UsageException.ExitCode, code);
        Assert.Contains(missing, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsToolVersionAndEngineBuild()
    {
        var (code, stdout, _) = await RunAsync("--version");

        Assert.Equal(0, code);
        Assert.Matches(@"^dataflow 0\.1\.0 \((Debug|Release) build [0-9a-f]{8}, protocol \d+\)\n$", stdout.Replace("\r", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "sumbit" }, "unknown command 'sumbit'")]
    [InlineData(new[] { "--frobnicate" }, "unknown option --frobnicate")]
    [InlineData(new[] { "submit", "--mastr", "orleans://h:1", "app.dll" }, "did you mean --master?")]
    [InlineData(new[] { "submit" }, "missing argument APP")]
    [InlineData(new[] { "submit", "--master", "yarn", "app.dll" }, "Unknown master 'yarn'")]
    [InlineData(new[] { "submit", "app.exe" }, "APP must be the application's .dll")]
    [InlineData(new[] { "submit", "/nonexistent/dir/app.dll" }, "does not exist")]
    [InlineData(new[] { "submit", "--conf", "Other:Key=1", "/nonexistent/app.dll" }, "keys under Dataflow: only")]
    [InlineData(new[] { "workers" }, "give the cluster with --master")]
    [InlineData(new[] { "workers", "--master", "local[2]" }, "has no workers")]
    [InlineData(new[] { "workers", "--master", "orleans://h:1", "--table" }, "unknown option --table")]
    [InlineData(new[] { "cluster" }, "missing argument ACTION")]
    [InlineData(new[] { "cluster", "restart" }, "unknown action 'restart'")]
    [InlineData(new[] { "cluster", "start" }, "start needs the number of workers")]
    [InlineData(new[] { "cluster", "start", "0" }, "start needs the number of workers")]
    [InlineData(new[] { "cluster", "stop", "2" }, "stop takes no N")]
    public async Task UsageErrors_ExitTwoWithOneLineOnStderr(string[] args, string message)
    {
        var (code, stdout, stderr) = await RunAsync(args);

        Assert.Equal(UsageException.ExitCode, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("dataflow: ", stderr, StringComparison.Ordinal);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("submit", "Usage: dataflow submit [options] APP [APP-ARGS...]")]
    [InlineData("workers", "Usage: dataflow workers [options]")]
    [InlineData("cluster", "Usage: dataflow cluster [options] ACTION [N]")]
    public async Task CommandHelp_PrintsTheCommandsUsageAndOptions(string command, string usage)
    {
        var (code, stdout, stderr) = await RunAsync(command, "--help");

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.StartsWith(usage + "\n", stdout, StringComparison.Ordinal);
        Assert.Contains("  -h, --help", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitHelp_ListsTheStandardOptionsAndConfigurationKeys()
    {
        var (_, stdout, _) = await RunAsync("submit", "--help");

        foreach (var option in new[] { "--master URL", "--name NAME", "--executor-memory SIZE", "--conf KEY=VALUE" })
        {
            Assert.Contains("  " + option, stdout, StringComparison.Ordinal);
        }

        Assert.Contains("Dataflow:Scheduler:MaxTaskFailures", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Dataflow:Executor:Memory", "DATAFLOW__EXECUTOR__MEMORY")]
    [InlineData("dataflow:Scheduler:MaxTaskFailures", "DATAFLOW__SCHEDULER__MAXTASKFAILURES")]
    [InlineData("Dataflow:Master", "DATAFLOW__MASTER")]
    public void EnvironmentName_IsWhatTheRegistryReads(string key, string expected) =>
        Assert.Equal(expected, SubmitCommand.EnvironmentName(key));

    [Fact]
    public void EnvironmentName_KeyOutsideDataflow_IsAUsageError()
    {
        var e = Assert.Throws<UsageException>(() => SubmitCommand.EnvironmentName("Logging:LogLevel:Default"));
        Assert.Contains("under Dataflow:", e.Message, StringComparison.Ordinal);
    }
}

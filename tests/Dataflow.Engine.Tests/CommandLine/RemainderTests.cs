using Dataflow.CommandLine;

namespace Dataflow.Tests.CommandLine;

/// <summary><see cref="ArgumentParser.AddRemainder"/>: a program's own arguments after its path, passed on untouched.</summary>
public class RemainderTests
{
    private readonly ArgumentParser _parser = new("dataflow submit", "Runs an application.");
    private readonly Option<string?> _master;
    private readonly Option<bool> _verbose;
    private readonly Option<string> _app;
    private readonly Option<IReadOnlyList<string>> _appArgs;

    public RemainderTests()
    {
        _master = _parser.Add<string?>("master", "cluster");
        _verbose = _parser.AddFlag("verbose", "say more");
        _app = _parser.AddPositional<string>("app", "the application's dll");
        _appArgs = _parser.AddRemainder("app-args", "the application's arguments");
    }

    [Fact]
    public void Parse_OptionsAfterThePositional_GoToTheRemainderUnparsed()
    {
        var result = _parser.Parse(["--master", "orleans://h:1", "--verbose", "app.dll", "--input", "x", "--master", "local", "--unknown", "-v"]);

        Assert.Equal("orleans://h:1", result.Get(_master));
        Assert.True(result.Get(_verbose));
        Assert.Equal("app.dll", result.Get(_app));
        Assert.Equal(["--input", "x", "--master", "local", "--unknown", "-v"], result.Get(_appArgs));
    }

    [Fact]
    public void Parse_OptionValueLooksLikeAPositional_IsStillTheOptionsValue()
    {
        var result = _parser.Parse(["--master", "local[2]", "app.dll", "a", "b"]);

        Assert.Equal("local[2]", result.Get(_master));
        Assert.Equal("app.dll", result.Get(_app));
        Assert.Equal(["a", "b"], result.Get(_appArgs));
    }

    [Fact]
    public void Parse_HelpAfterThePositional_BelongsToTheApplication()
    {
        var result = _parser.Parse(["app.dll", "--help"]);

        Assert.False(result.HelpRequested);
        Assert.Equal(["--help"], result.Get(_appArgs));
        Assert.True(_parser.Parse(["--help", "app.dll"]).HelpRequested);
    }

    [Fact]
    public void Parse_NothingAfterThePositional_GivesAnEmptyRemainder() =>
        Assert.Empty(_parser.Parse(["app.dll"]).Get(_appArgs));

    [Fact]
    public void Parse_DoubleDash_EndsOptionsAndTheRestFollowsThePositional()
    {
        var result = _parser.Parse(["--", "--odd-name.dll", "--x"]);

        Assert.Equal("--odd-name.dll", result.Get(_app));
        Assert.Equal(["--x"], result.Get(_appArgs));
    }

    [Fact]
    public void Parse_UnknownOptionBeforeThePositional_IsAUsageError()
    {
        var e = Assert.Throws<UsageException>(() => _parser.Parse(["--mastr", "x", "app.dll"]));
        Assert.Contains("--master", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PositionalMissing_IsAUsageError() =>
        Assert.Throws<UsageException>(() => _parser.Parse(["--master", "local"]));

    [Fact]
    public void FormatHelp_ShowsTheRemainderInTheUsageLine() =>
        Assert.StartsWith("Usage: dataflow submit [options] APP [APP-ARGS...]\n", _parser.FormatHelp(), StringComparison.Ordinal);
}

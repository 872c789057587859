using System.Collections;
using Dataflow.CommandLine;
using Dataflow.Configuration;

namespace Dataflow.Tests.CommandLine;

public class StandardOptionsTests
{
    private readonly ArgumentParser _parser = new("Example", "An example.");
    private readonly StandardOptions _standard;

    public StandardOptionsTests() => _standard = _parser.AddStandardOptions();

    [Fact]
    public void Parse_StandardOptions_ReadsEachOne()
    {
        var result = _parser.Parse(["--master", "local[4]", "--executor-memory", "2g", "--event-log", "/tmp/events",
            "--conf", "Dataflow:AppName=x"]);

        Assert.Equal("local[4]", result.Get(_standard.Master));
        Assert.Equal(ByteSize.FromGiB(2), result.Get(_standard.ExecutorMemory));
        Assert.Equal("/tmp/events", result.Get(_standard.EventLog));
        Assert.Equal(["Dataflow:AppName=x"], result.Get(_standard.Conf));
    }

    [Fact]
    public void LoadOptions_EventLogAndLogLevel_BecomeTheirKeys()
    {
        var options = _standard.LoadOptions(_parser.Parse(["--event-log", "/tmp/events", "--log-level", "Information"]),
            environment: new Hashtable());

        Assert.Equal("/tmp/events", options.EventLog.Directory);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, options.Log.Level);
        var defaults = _standard.LoadOptions(_parser.Parse([]), environment: new Hashtable());
        Assert.Null(defaults.EventLog.Directory);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, defaults.Log.Level);
        var conf = _standard.LoadOptions(_parser.Parse(["--conf", "Dataflow:Log:Level=error"]), environment: new Hashtable());
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, conf.Log.Level);
        Assert.Throws<UsageException>(() => _parser.Parse(["--log-level", "loud"]));
    }

    [Fact]
    public void ToConfPairs_AllGiven_ConfFirstThenDedicatedOptions()
    {
        var result = _parser.Parse(["--conf", "Dataflow:Executor:Memory=1g", "--executor-memory", "512m",
            "--master", "local[2]", "--conf=Dataflow:AppName=a,Dataflow:Shuffle:Compress=false"]);

        Assert.Equal(
            [
                new("Dataflow:Executor:Memory", "1g"),
                new("Dataflow:AppName", "a"),
                new("Dataflow:Shuffle:Compress", "false"),
                new("Dataflow:Master", "local[2]"),
                new KeyValuePair<string, string?>("Dataflow:Executor:Memory", "512m"),
            ],
            _standard.ToConfPairs(result));
    }

    [Fact]
    public void AddKeyOption_Given_BecomesItsKeyAfterConf()
    {
        var shuffle = _standard.AddKeyOption("spill-dir", "Dataflow:Shuffle:SpillDirectory", "where shuffles spill", "DIR");

        var result = _parser.Parse(["--spill-dir", "/tmp/b", "--conf", "Dataflow:Shuffle:SpillDirectory=/tmp/a"]);

        Assert.Equal("/tmp/b", result.Get(shuffle));
        Assert.Equal(
            [
                new("Dataflow:Shuffle:SpillDirectory", "/tmp/a"),
                new KeyValuePair<string, string?>("Dataflow:Shuffle:SpillDirectory", "/tmp/b"),
            ],
            _standard.ToConfPairs(result));
        Assert.Empty(_standard.ToConfPairs(_parser.Parse([])));
        Assert.Contains("(sets Dataflow:Shuffle:SpillDirectory)", _parser.FormatHelp(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToConfPairs_CommaInsideValue_StaysInThatValue()
    {
        var result = _parser.Parse(["--conf", "Dataflow:Master=orleans://h1:1,h2:2,Dataflow:AppName=b"]);

        Assert.Equal(
            [new("Dataflow:Master", "orleans://h1:1,h2:2"), new KeyValuePair<string, string?>("Dataflow:AppName", "b")],
            _standard.ToConfPairs(result));
    }

    [Fact]
    public void ToConfPairs_ConfWithoutEquals_ThrowsUsageException()
    {
        var result = _parser.Parse(["--conf", "Dataflow:Scheduler:MaxTaskFailures"]);

        var error = Assert.Throws<UsageException>(() => _standard.ToConfPairs(result));

        Assert.StartsWith("--conf 'Dataflow:Scheduler:MaxTaskFailures' is not KEY=VALUE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOptions_ExecutorMemoryAndConf_BindsAndDedicatedOptionWins()
    {
        var result = _parser.Parse(["--executor-memory", "3g", "--conf", "Dataflow:Executor:Memory=1g",
            "--conf", "Dataflow:Scheduler:MaxTaskFailures=8"]);

        var options = _standard.LoadOptions(result, environment: new Hashtable());

        Assert.Equal(ByteSize.FromGiB(3), options.Executor.Memory);
        Assert.Equal(8, options.Scheduler.MaxTaskFailures);
    }

    [Fact]
    public void LoadOptions_UnknownConfKey_ThrowsUsageExceptionWithSuggestion()
    {
        var result = _parser.Parse(["--conf", "Dataflow:Shuffle:Compres=false"]);

        var error = Assert.Throws<UsageException>(() => _standard.LoadOptions(result, environment: new Hashtable()));

        Assert.Contains("did you mean Dataflow:Shuffle:Compress?", error.Message, StringComparison.Ordinal);
        Assert.IsType<DataflowConfigurationException>(error.InnerException);
    }

    [Fact]
    public void FormatHelp_StandardOptions_ListsThemAndTheConfigurationKeys()
    {
        var help = _parser.FormatHelp();

        Assert.Contains("--master URL", help, StringComparison.Ordinal);
        Assert.Contains("--executor-memory SIZE", help, StringComparison.Ordinal);
        Assert.Contains("--event-log DIR", help, StringComparison.Ordinal);
        Assert.Contains("--conf KEY=VALUE", help, StringComparison.Ordinal);
        Assert.Contains("Dataflow:Scheduler:MaxTaskFailures int", help, StringComparison.Ordinal);
    }
}

using Dataflow.Configuration;

namespace Dataflow.Tests.Configuration;

public class OptionsRegistryTests
{
    [Theory]
    [InlineData("Dataflow:Master", "string", "local[*]")]
    [InlineData("Dataflow:AppName", "string", "dataflow")]
    [InlineData("Dataflow:Scheduler:MaxTaskFailures", "int", "4")]
    [InlineData("Dataflow:Scheduler:LocalityWait", "duration", "3s")]
    [InlineData("Dataflow:Executor:Memory", "size", "¼ of available memory")]
    [InlineData("Dataflow:Executor:Cores", "int", "0")]
    [InlineData("Dataflow:Shuffle:LocalDirectory", "string", "<temp>/dataflow")]
    [InlineData("Dataflow:Shuffle:SpillDirectory", "string", "(LocalDirectory)")]
    [InlineData("Dataflow:Shuffle:FileBufferSize", "size", "64k")]
    [InlineData("Dataflow:Shuffle:Compress", "bool", "true")]
    public void All_KnownKey_IsListedWithTypeDefaultAndDescription(string key, string typeName, string defaultText)
    {
        var option = Assert.Single(OptionsRegistry.All, o => o.Key == key);
        Assert.Equal(typeName, option.TypeName);
        Assert.Equal(defaultText, option.DefaultText);
        Assert.False(string.IsNullOrWhiteSpace(option.Description));
    }

    [Fact]
    public void Find_DifferentCase_FindsKey()
    {
        var option = OptionsRegistry.Find("DATAFLOW:scheduler:maxtaskfailures");

        Assert.NotNull(option);
        Assert.Equal("Dataflow:Scheduler:MaxTaskFailures", option.Key);
        Assert.Equal("DATAFLOW__SCHEDULER__MAXTASKFAILURES", option.EnvironmentVariable);
        Assert.Null(OptionsRegistry.Find("Dataflow:Scheduler"));
    }

    [Theory]
    [InlineData("Dataflow:Scheduler:MaxTaskFailure", "Dataflow:Scheduler:MaxTaskFailures")]
    [InlineData("Dataflow:Shufle:Compress", "Dataflow:Shuffle:Compress")]
    [InlineData("Dataflow:Executor:Memmory", "Dataflow:Executor:Memory")]
    [InlineData("Dataflow:Nothing:Like:This:At:All", null)]
    public void Suggest_MisspeltKey_ReturnsNearestKnownKey(string key, string? expected) =>
        Assert.Equal(expected, OptionsRegistry.Suggest(key));

    [Fact]
    public void FormatTable_AllKeys_IsMarkdownTableWithOneRowPerKey()
    {
        var lines = OptionsRegistry.FormatTable().TrimEnd('\n').Split('\n');

        Assert.Equal("| Key | Type | Default | Description |", lines[0]);
        Assert.Equal("|---|---|---|---|", lines[1]);
        Assert.Equal(OptionsRegistry.All.Count + 2, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("| `Dataflow:Scheduler:MaxTaskFailures` | int | `4` | ", StringComparison.Ordinal));
    }

    [Fact]
    public void FormatHelp_AllKeys_ListsEachKeyWithDefault()
    {
        var help = OptionsRegistry.FormatHelp();

        Assert.Equal(OptionsRegistry.All.Count, help.TrimEnd('\n').Split('\n').Length);
        Assert.Contains("Dataflow:Shuffle:FileBufferSize size", help, StringComparison.Ordinal);
        Assert.Contains("(default: 64k)", help, StringComparison.Ordinal);
    }
}

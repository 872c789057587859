using System.Collections;
using Dataflow.Configuration;

namespace Dataflow.Tests.Configuration;

public sealed class DataflowConfigurationTests : IDisposable
{
    private const string MaxFailures = "Dataflow:Scheduler:MaxTaskFailures";
    private readonly string _jsonFile = Path.Combine(Path.GetTempPath(), $"dataflow-test-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_jsonFile);

    [Fact]
    public void Load_NothingSet_GivesDocumentedDefaults()
    {
        var options = DataflowConfiguration.Load([], environment: new Hashtable());

        Assert.Null(options.Master);
        Assert.Equal("dataflow", options.AppName);
        Assert.Equal(4, options.Scheduler.MaxTaskFailures);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Scheduler.LocalityWait);
        Assert.Equal(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 >> 20, options.Executor.Memory.Bytes >> 20);
        Assert.Equal(0, options.Executor.Cores);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "dataflow"), options.Shuffle.LocalDirectory);
        Assert.Null(options.Shuffle.SpillDirectory);
        Assert.Equal(ByteSize.FromKiB(64), options.Shuffle.FileBufferSize);
        Assert.True(options.Shuffle.Compress);
    }

    [Theory]
    [InlineData(true, false, false, false, "1")]
    [InlineData(true, true, false, false, "2")]
    [InlineData(true, true, true, false, "3")]
    [InlineData(true, true, true, true, "4")]
    [InlineData(false, true, false, false, "2")]
    [InlineData(true, false, true, false, "3")]
    [InlineData(false, false, false, true, "4")]
    public void Load_SeveralLayers_HigherLayerWins(bool json, bool environment, bool conf, bool code, string expected)
    {
        // Each layer sets a different value: json 1, environment 2, --conf 3, code 4.
        File.WriteAllText(_jsonFile, """{ "Dataflow": { "Scheduler": { "MaxTaskFailures": 1 } } }""");
        var env = new Hashtable();
        if (environment)
        {
            env["DATAFLOW__SCHEDULER__MAXTASKFAILURES"] = "2";
        }

        var options = DataflowConfiguration.Load(
            conf ? [new(MaxFailures, "3")] : [],
            json ? _jsonFile : null,
            env,
            code ? o => o.Scheduler.MaxTaskFailures = 4 : null);

        Assert.Equal(int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            options.Scheduler.MaxTaskFailures);
    }

    [Fact]
    public void Load_EnvironmentVariables_MapDoubleUnderscoreToSectionsAndIgnoreOthers()
    {
        var env = new Hashtable
        {
            ["DATAFLOW__SHUFFLE__FILEBUFFERSIZE"] = "1m",
            ["dataflow__executor__cores"] = "6",
            ["DATAFLOW__APPNAME"] = "from-env",
            ["DATAFLOW_SOMETHING_ELSE"] = "ignored",
            ["PATH"] = "/usr/bin",
        };

        var options = DataflowConfiguration.Load([], environment: env);

        Assert.Equal(ByteSize.FromMiB(1), options.Shuffle.FileBufferSize);
        Assert.Equal(6, options.Executor.Cores);
        Assert.Equal("from-env", options.AppName);
    }

    [Fact]
    public void Load_DataflowMasterVariable_SetsMasterBelowDoubleUnderscoreForm()
    {
        var single = DataflowConfiguration.Load([], environment: new Hashtable { ["DATAFLOW_MASTER"] = "local[2]" });
        var both = DataflowConfiguration.Load([], environment: new Hashtable
        {
            ["DATAFLOW_MASTER"] = "local[2]",
            ["DATAFLOW__MASTER"] = "local[3]",
        });

        Assert.Equal("local[2]", single.Master);
        Assert.Equal("local[3]", both.Master);
    }

    [Fact]
    public void Load_JsonFile_BindsDataflowSectionAndIgnoresOtherSections()
    {
        File.WriteAllText(_jsonFile, """
            {
              "Logging": { "LogLevel": { "Default": "Warning" } },
              "dataflow": {
                "AppName": "json-app",
                "Scheduler": { "LocalityWait": "500ms" },
                "executor": {},
                "Shuffle": { "SpillDirectory": "/spill", "Compress": false, "FileBufferSize": "128k" }
              }
            }
            """);

        var options = DataflowConfiguration.Load([], _jsonFile, new Hashtable());

        Assert.Equal("json-app", options.AppName);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Scheduler.LocalityWait);
        Assert.Equal("/spill", options.Shuffle.SpillDirectory);
        Assert.False(options.Shuffle.Compress);
        Assert.Equal(ByteSize.FromKiB(128), options.Shuffle.FileBufferSize);
    }

    [Fact]
    public void Load_MissingJsonFile_ThrowsNamingFile()
    {
        var error = Assert.Throws<DataflowConfigurationException>(
            () => DataflowConfiguration.Load([], _jsonFile, new Hashtable()));

        Assert.Contains(_jsonFile, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownConfKey_ThrowsNamingKeySourceAndSuggestion()
    {
        var error = Assert.Throws<DataflowConfigurationException>(() =>
            DataflowConfiguration.Load([new("Dataflow:Scheduler:MaxTaskFailure", "8")], environment: new Hashtable()));

        Assert.Equal(
            "unknown configuration key 'Dataflow:Scheduler:MaxTaskFailure' from --conf; did you mean Dataflow:Scheduler:MaxTaskFailures?",
            error.Message);
    }

    [Fact]
    public void Load_UnknownEnvironmentKey_ThrowsNamingVariable()
    {
        var env = new Hashtable { ["DATAFLOW__SHUFLE__COMPRESS"] = "false" };

        var error = Assert.Throws<DataflowConfigurationException>(() => DataflowConfiguration.Load([], environment: env));

        Assert.Contains("environment variable DATAFLOW__SHUFLE__COMPRESS", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean Dataflow:Shuffle:Compress?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownJsonKey_ThrowsNamingFileAndKey()
    {
        File.WriteAllText(_jsonFile, """{ "Dataflow": { "Executor": { "Memroy": "1g" } } }""");

        var error = Assert.Throws<DataflowConfigurationException>(
            () => DataflowConfiguration.Load([], _jsonFile, new Hashtable()));

        Assert.Contains("'Dataflow:Executor:Memroy'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"JSON file {_jsonFile}", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean Dataflow:Executor:Memory?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfKeyOutsideDataflow_Throws()
    {
        var error = Assert.Throws<DataflowConfigurationException>(() =>
            DataflowConfiguration.Load([new("Scheduler:MaxTaskFailures", "8")], environment: new Hashtable()));

        Assert.Equal(
            "'Scheduler:MaxTaskFailures' from --conf is not a configuration key (keys look like Dataflow:Section:Key); did you mean Dataflow:Scheduler:MaxTaskFailures?",
            error.Message);
    }

    [Theory]
    [InlineData(MaxFailures, "abc")]
    [InlineData(MaxFailures, "1.5")]
    [InlineData("Dataflow:Shuffle:Compress", "maybe")]
    [InlineData("Dataflow:Executor:Memory", "lots")]
    [InlineData("Dataflow:Scheduler:LocalityWait", "3")]
    public void Load_UnparsableValue_ThrowsNamingKeyValueAndSource(string key, string value)
    {
        var error = Assert.Throws<DataflowConfigurationException>(() =>
            DataflowConfiguration.Load([new(key, value)], environment: new Hashtable()));

        Assert.StartsWith($"{key}: '{value}' from --conf is not a valid ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExponentAndCaseInsensitiveKey_Binds()
    {
        var options = DataflowConfiguration.Load([new("dataflow:SCHEDULER:maxtaskfailures", "1e1")],
            environment: new Hashtable());

        Assert.Equal(10, options.Scheduler.MaxTaskFailures);
    }

    [Fact]
    public void Load_InvalidValue_ThrowsValidationMessageWithFullKey()
    {
        var error = Assert.Throws<DataflowConfigurationException>(() =>
            DataflowConfiguration.Load([new(MaxFailures, "0")], environment: new Hashtable()));

        Assert.Equal("Dataflow:Scheduler:MaxTaskFailures must be ≥ 1, got 0", error.Message);
    }

    [Fact]
    public void Validate_SeveralInvalidValues_ListsEveryFailure()
    {
        var options = new DataflowOptions { AppName = " " };
        options.Executor.Cores = -1;
        options.Shuffle.FileBufferSize = new ByteSize(0);

        var error = Assert.Throws<DataflowConfigurationException>(() => DataflowConfiguration.Validate(options));

        Assert.Equal(
            [
                "Dataflow:AppName must not be empty, got ' '",
                "Dataflow:Executor:Cores must be ≥ 0 (0 means from the master), got -1",
                "Dataflow:Shuffle:FileBufferSize must be between 1 and 1g, got 0",
            ],
            error.Failures);
    }

    [Theory]
    [InlineData("1k", true)]
    [InlineData("4m", true)]
    [InlineData("1023", false)]
    [InlineData("5m", false)]
    public void Load_BroadcastBlockSize_MustFitOneClusterMessage(string value, bool valid)
    {
        KeyValuePair<string, string?>[] conf = [new("Dataflow:Broadcast:BlockSize", value)];

        if (valid)
        {
            Assert.Equal(ByteSize.Parse(value), DataflowConfiguration.Load(conf, environment: new Hashtable()).Broadcast.BlockSize);
        }
        else
        {
            var error = Assert.Throws<DataflowConfigurationException>(() => DataflowConfiguration.Load(conf, environment: new Hashtable()));
            Assert.Equal($"Dataflow:Broadcast:BlockSize must be between 1k and 4m, got {value}", error.Message);
        }
    }

    [Fact]
    public void Load_FetchToMemoryLimitOverOneArray_IsRejected()
    {
        var error = Assert.Throws<DataflowConfigurationException>(() =>
            DataflowConfiguration.Load([new("Dataflow:Executor:FetchToMemoryLimit", "2g")], environment: new Hashtable()));

        Assert.Equal("Dataflow:Executor:FetchToMemoryLimit must be between 0 and 1g, got 2g", error.Message);
    }

    [Fact]
    public void Load_CodeSetsInvalidValue_IsValidatedToo() =>
        Assert.Throws<DataflowConfigurationException>(() =>
            DataflowConfiguration.Load([], environment: new Hashtable(), code: o => o.Scheduler = null!));

    [Fact]
    public void Load_EmptyValueForNullableKey_Unsets()
    {
        var env = new Hashtable { ["DATAFLOW__SHUFFLE__SPILLDIRECTORY"] = "/env-spill" };

        var options = DataflowConfiguration.Load([new("Dataflow:Shuffle:SpillDirectory", "")], environment: env);

        Assert.Null(options.Shuffle.SpillDirectory);
    }

    [Theory]
    [InlineData("Dataflow:Scheduler:MaxTaskFailures=8", "Dataflow:Scheduler:MaxTaskFailures", "8")]
    [InlineData("Dataflow:Master=orleans://a:1?x=y", "Dataflow:Master", "orleans://a:1?x=y")]
    [InlineData(" Dataflow:AppName =", "Dataflow:AppName", "")]
    public void ParseConfPair_KeyEqualsValue_SplitsAtFirstEquals(string text, string key, string value) =>
        Assert.Equal(new KeyValuePair<string, string?>(key, value), DataflowConfiguration.ParseConfPair(text));

    [Theory]
    [InlineData("Dataflow:Scheduler:MaxTaskFailures")]
    [InlineData("=8")]
    public void ParseConfPair_NoKeyOrNoEquals_Throws(string text)
    {
        var error = Assert.Throws<DataflowConfigurationException>(() => DataflowConfiguration.ParseConfPair(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("KEY=VALUE", error.Message, StringComparison.Ordinal);
    }
}

using System.Collections;
using Dataflow.CommandLine;
using Dataflow.Configuration;

namespace Dataflow.Tests.Configuration;

/// <summary>A library's section as a library would write it; registered once for the whole test run.</summary>
public sealed class SampleLibraryOptions
{
    [OptionDescription("Tree depth of the sample library.")]
    public int Depth { get; set; } = 3;

    [OptionDescription("Largest buffer of the sample library.")]
    public ByteSize BufferLimit { get; set; } = ByteSize.FromMiB(1);
}

public sealed class LibraryOptionsSectionTests : IDisposable
{
    private const string Depth = "Dataflow:SampleLib:Depth";
    private readonly string _jsonFile = Path.Combine(Path.GetTempPath(), $"dataflow-test-{Guid.NewGuid():N}.json");

    public LibraryOptionsSectionTests() => OptionsRegistry.RegisterSection("SampleLib", new SampleLibraryOptionsValidator());

    public void Dispose() => File.Delete(_jsonFile);

    [Fact]
    public void RegisterSection_NewSection_ListsItsKeysWithTypesAndDefaults()
    {
        var depth = OptionsRegistry.Find("dataflow:samplelib:depth");
        var limit = OptionsRegistry.Find("Dataflow:SampleLib:BufferLimit");

        Assert.NotNull(depth);
        Assert.Equal(Depth, depth.Key);
        Assert.Equal("SampleLib", depth.Section);
        Assert.Equal("int", depth.TypeName);
        Assert.Equal("3", depth.DefaultText);
        Assert.Equal("DATAFLOW__SAMPLELIB__DEPTH", depth.EnvironmentVariable);
        Assert.NotNull(limit);
        Assert.Equal("size", limit.TypeName);
        Assert.Equal("1m", limit.DefaultText);
        Assert.Contains("| `Dataflow:SampleLib:Depth` | int | `3` | Tree depth of the sample library. |", OptionsRegistry.FormatTable(), StringComparison.Ordinal);
    }

    [Fact]
    public void RegisterSection_SameTypeAndNameAgain_DoesNothing()
    {
        var before = OptionsRegistry.All.Count;

        OptionsRegistry.RegisterSection("SampleLib", new SampleLibraryOptionsValidator());
        OptionsRegistry.RegisterSection<SampleLibraryOptions>("samplelib");

        Assert.Equal(before, OptionsRegistry.All.Count);
    }

    [Theory]
    [InlineData("Scheduler")]
    [InlineData("master")]
    public void RegisterSection_NameTaken_Throws(string name)
    {
        var error = Assert.Throws<InvalidOperationException>(() => OptionsRegistry.RegisterSection<OtherOptions>(name));

        Assert.Contains("already taken", error.Message, StringComparison.Ordinal);
        Assert.Null(OptionsRegistry.Find($"Dataflow:{name}:Width"));
    }

    [Fact]
    public void RegisterSection_TypeUnderSecondName_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OptionsRegistry.RegisterSection<SampleLibraryOptions>("SampleLib2"));

        Assert.Contains("already registered as Dataflow:SampleLib", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1ML")]
    [InlineData("M:L")]
    [InlineData("M_L")]
    public void RegisterSection_NameNotAnIdentifier_Throws(string name) =>
        Assert.Throws<ArgumentException>(() => OptionsRegistry.RegisterSection<OtherOptions>(name));

    [Fact]
    public void RegisterSection_PropertyWithoutDescription_ThrowsNamingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OptionsRegistry.RegisterSection<UndescribedOptions>("Undescribed"));

        Assert.Contains("UndescribedOptions.Width needs an [OptionDescription]", error.Message, StringComparison.Ordinal);
        Assert.Null(OptionsRegistry.Find("Dataflow:Undescribed:Width"));
    }

    [Fact]
    public void Section_TypeNotRegistered_ThrowsNamingRegistration()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new DataflowOptions().Section<OtherOptions>());

        Assert.Contains("RegisterSection<OtherOptions>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NothingSet_SectionHasDefaults()
    {
        var options = DataflowConfiguration.Load([], environment: new Hashtable());

        Assert.Equal(3, options.Section<SampleLibraryOptions>().Depth);
        Assert.Equal(ByteSize.FromMiB(1), options.Section<SampleLibraryOptions>().BufferLimit);
    }

    [Theory]
    [InlineData(true, false, false, false, 1)]
    [InlineData(true, true, false, false, 2)]
    [InlineData(true, true, true, false, 3)]
    [InlineData(true, true, true, true, 4)]
    [InlineData(false, true, false, false, 2)]
    [InlineData(false, false, true, false, 3)]
    [InlineData(false, false, false, true, 4)]
    [InlineData(true, false, false, true, 4)]
    public void Load_SeveralLayers_HigherLayerWins(bool json, bool environment, bool conf, bool code, int expected)
    {
        File.WriteAllText(_jsonFile, """{ "Dataflow": { "SampleLib": { "Depth": 1, "BufferLimit": "2m" } } }""");
        var env = new Hashtable();
        if (environment)
        {
            env["DATAFLOW__SAMPLELIB__DEPTH"] = "2";
        }

        var options = DataflowConfiguration.Load(
            conf ? [new(Depth, "3")] : [],
            json ? _jsonFile : null,
            env,
            code ? o => o.Section<SampleLibraryOptions>().Depth = 4 : null);

        Assert.Equal(expected, options.Section<SampleLibraryOptions>().Depth);
        Assert.Equal(json ? ByteSize.FromMiB(2) : ByteSize.FromMiB(1), options.Section<SampleLibraryOptions>().BufferLimit);
    }

    [Fact]
    public void Load_EmptySectionInJson_SetsNothing()
    {
        File.WriteAllText(_jsonFile, """{ "Dataflow": { "SampleLib": {} } }""");

        var options = DataflowConfiguration.Load([], _jsonFile, new Hashtable());

        Assert.Equal(3, options.Section<SampleLibraryOptions>().Depth);
    }

    [Fact]
    public void Load_UnknownKeyOfSection_ThrowsListingTheSectionKeys()
    {
        var error = Assert.Throws<DataflowConfigurationException>(() =>
            DataflowConfiguration.Load([new("Dataflow:SampleLib:Foo", "1")], environment: new Hashtable()));

        Assert.Equal(
            "unknown configuration key 'Dataflow:SampleLib:Foo' from --conf; the section's keys are Dataflow:SampleLib:Depth, Dataflow:SampleLib:BufferLimit",
            error.Message);
    }

    [Fact]
    public void Load_MisspeltKeyOfSection_SuggestsIt()
    {
        var env = new Hashtable { ["DATAFLOW__SAMPLELIB__DEPHT"] = "2" };

        var error = Assert.Throws<DataflowConfigurationException>(() => DataflowConfiguration.Load([], environment: env));

        Assert.Equal(
            "unknown configuration key 'Dataflow:SAMPLELIB:DEPHT' from environment variable DATAFLOW__SAMPLELIB__DEPHT; did you mean Dataflow:SampleLib:Depth?",
            error.Message);
    }

    [Fact]
    public void Load_ValueFailsSectionValidator_ThrowsNamingKey()
    {
        var error = Assert.Throws<DataflowConfigurationException>(() =>
            DataflowConfiguration.Load([new(Depth, "0")], environment: new Hashtable()));

        Assert.Equal("Dataflow:SampleLib:Depth must be ≥ 1, got 0", error.Message);
    }

    [Fact]
    public void Load_ValueDoesNotParse_ThrowsNamingKeyAndSource()
    {
        var error = Assert.Throws<DataflowConfigurationException>(() =>
            DataflowConfiguration.Load([new("Dataflow:SampleLib:BufferLimit", "lots")], environment: new Hashtable()));

        Assert.StartsWith("Dataflow:SampleLib:BufferLimit: 'lots' from --conf is not a valid size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Context_OptionsWithSection_LibraryReadsBoundValueAndInvalidOneIsRejected()
    {
        var options = DataflowConfiguration.Load([new(Depth, "7")], environment: new Hashtable());
        options.Master = "local[1]";
        await using (var ctx = new DataflowContext(options))
        {
            Assert.Equal(7, ctx.Options.Section<SampleLibraryOptions>().Depth);
        }

        var bad = new DataflowOptions { Master = "local[1]" };
        bad.Section<SampleLibraryOptions>().Depth = -1;
        var error = Assert.Throws<DataflowConfigurationException>(() => new DataflowContext(bad));
        Assert.Contains("Dataflow:SampleLib:Depth must be ≥ 1, got -1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ProgramWithStandardOptions_ListsTheSectionKeys()
    {
        var parser = new ArgumentParser("Example", "An example.");
        var standard = parser.AddStandardOptions();

        var parsed = parser.Parse(["--help"]);

        Assert.True(parsed.HelpRequested);
        Assert.Contains("Dataflow:SampleLib:Depth int", parsed.HelpText, StringComparison.Ordinal);
        Assert.Contains("Tree depth of the sample library. (default: 3)", parsed.HelpText, StringComparison.Ordinal);
        Assert.Contains("Dataflow:SampleLib:BufferLimit size", parsed.HelpText, StringComparison.Ordinal);
        var loaded = standard.LoadOptions(parser.Parse(["--conf", "Dataflow:SampleLib:Depth=5"]), environment: new Hashtable());
        Assert.Equal(5, loaded.Section<SampleLibraryOptions>().Depth);
    }

    private sealed class SampleLibraryOptionsValidator : OptionsValidator<SampleLibraryOptions>
    {
        protected override void Validate(string prefix, SampleLibraryOptions options, ICollection<string> failures)
        {
            if (options.Depth < 1)
            {
                failures.Add(Failure(prefix, nameof(options.Depth), "must be ≥ 1", options.Depth));
            }
        }
    }

    private sealed class OtherOptions
    {
        [OptionDescription("Width.")]
        public int Width { get; set; }
    }

    private sealed class UndescribedOptions
    {
        public int Width { get; set; }
    }
}

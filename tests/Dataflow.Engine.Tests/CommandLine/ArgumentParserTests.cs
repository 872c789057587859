using Dataflow.CommandLine;
using Dataflow.Configuration;

namespace Dataflow.Tests.CommandLine;

public class ArgumentParserTests
{
    private readonly ArgumentParser _parser = new("WordCount", "Counts words.");
    private readonly Option<string> _input;
    private readonly Option<int> _top;
    private readonly Option<ByteSize> _buffer;
    private readonly Option<double> _fraction;
    private readonly Option<TimeSpan?> _timeout;
    private readonly Option<IReadOnlyList<int>> _partitions;
    private readonly Option<bool> _overwrite;

    public ArgumentParserTests()
    {
        _input = _parser.Add<string>("input", "file, directory or glob", required: true);
        _top = _parser.Add("top", 20, "words to print");
        _buffer = _parser.Add("buffer", ByteSize.FromKiB(64), "buffer size");
        _fraction = _parser.Add("fraction", 0.5, "sample fraction");
        _timeout = _parser.Add<TimeSpan?>("timeout", "give up after");
        _partitions = _parser.AddList<int>("partitions", "partition counts to try");
        _overwrite = _parser.AddFlag("overwrite", "replace the output");
    }

    [Fact]
    public void Parse_SpaceAndEqualsForms_ReadValues()
    {
        var result = _parser.Parse(["--input", "a.txt", "--top=5", "--buffer", "1m", "--fraction=1e-3", "--timeout", "2m"]);

        Assert.False(result.HelpRequested);
        Assert.Equal("a.txt", result.Get(_input));
        Assert.Equal(5, result.Get(_top));
        Assert.Equal(ByteSize.FromMiB(1), result.Get(_buffer));
        Assert.Equal(0.001, result.Get(_fraction));
        Assert.Equal(TimeSpan.FromMinutes(2), result.Get(_timeout));
    }

    [Fact]
    public void Parse_OptionsAbsent_GiveDefaults()
    {
        var result = _parser.Parse(["--input", "a.txt"]);

        Assert.Equal(20, result.Get(_top));
        Assert.Equal(ByteSize.FromKiB(64), result.Get(_buffer));
        Assert.Null(result.Get(_timeout));
        Assert.Empty(result.Get(_partitions));
        Assert.False(result.Get(_overwrite));
        Assert.False(result.IsSpecified(_top));
    }

    [Theory]
    [InlineData("1e7", 10_000_000)]
    [InlineData("-3", -3)]
    [InlineData("2.0e1", 20)]
    public void Parse_IntegralNumberForms_ParseInvariant(string text, int expected) =>
        Assert.Equal(expected, _parser.Parse(["--input", "a", "--top", text]).Get(_top));

    [Fact]
    public void Parse_Flag_IsTrueWithoutConsumingNextArgument()
    {
        var result = _parser.Parse(["--overwrite", "--input", "a"]);

        Assert.True(result.Get(_overwrite));
        Assert.Equal("a", result.Get(_input));
        Assert.False(_parser.Parse(["--input", "a", "--overwrite=false"]).Get(_overwrite));
    }

    [Fact]
    public void Parse_RepeatedAndCommaSeparatedList_CollectsAllItemsInOrder()
    {
        var result = _parser.Parse(["--partitions", "1,2", "--input", "a", "--partitions=8", "--partitions", "1e2"]);

        Assert.Equal([1, 2, 8, 100], result.Get(_partitions));
    }

    [Fact]
    public void Parse_SingleOptionGivenTwice_LastWins() =>
        Assert.Equal(7, _parser.Parse(["--input", "a", "--top", "3", "--top", "7"]).Get(_top));

    [Fact]
    public void Parse_ValueStartingWithSingleDash_IsAValue() =>
        Assert.Equal(-5, _parser.Parse(["--input", "a", "--top", "-5"]).Get(_top));

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Parse_HelpAmongOtherMistakes_ReturnsHelpWithoutErrors(string help)
    {
        var result = _parser.Parse(["--bogus", help]);

        Assert.True(result.HelpRequested);
        Assert.StartsWith("Usage: WordCount --input VALUE [options]\n", result.HelpText, StringComparison.Ordinal);
    }

    [Fact]
    public void FormatHelp_EveryOption_ListedWithDefault()
    {
        var help = _parser.FormatHelp();

        Assert.Contains("Counts words.", help, StringComparison.Ordinal);
        Assert.Contains("--input VALUE", help, StringComparison.Ordinal);
        Assert.Contains("file, directory or glob (required)", help, StringComparison.Ordinal);
        Assert.Contains("words to print (default: 20)", help, StringComparison.Ordinal);
        Assert.Contains("--buffer SIZE", help, StringComparison.Ordinal);
        Assert.Contains("buffer size (default: 64k)", help, StringComparison.Ordinal);
        Assert.Contains("sample fraction (default: 0.5)", help, StringComparison.Ordinal);
        Assert.Contains("--partitions N", help, StringComparison.Ordinal);
        Assert.Contains("(repeatable, or comma-separated)", help, StringComparison.Ordinal);
        Assert.Contains("--overwrite ", help, StringComparison.Ordinal);
        Assert.Contains("--help", help, StringComparison.Ordinal);
        Assert.DoesNotContain("Dataflow:", help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--input", "a", "--tpo", "3" }, "unknown option --tpo; did you mean --top? (see --help)")]
    [InlineData(new[] { "--input", "a", "--zzzzzzzz" }, "unknown option --zzzzzzzz; see --help for the options")]
    [InlineData(new[] { "--input", "a", "-t" }, "unknown option -t; options are written --name (see --help)")]
    [InlineData(new[] { "--input" }, "--input needs a value: --input VALUE (or --input=VALUE)")]
    [InlineData(new[] { "--input", "--top", "3" }, "--input needs a value: --input VALUE (or --input=VALUE)")]
    [InlineData(new[] { "--input", "a", "--top", "abc" }, "--top: 'abc' is not a valid int; expected a whole number such as 4 or 1e6")]
    [InlineData(new[] { "--input", "a", "--top", "1.5" }, "--top: '1.5' is not a valid int; expected a whole number such as 4 or 1e6")]
    [InlineData(new[] { "--input", "a", "--top", "1e10" }, "--top: '1e10' is not a valid int; expected a whole number such as 4 or 1e6")]
    [InlineData(new[] { "--input", "a", "--buffer", "big" }, "--buffer: 'big' is not a valid size; expected a size such as 64k, 512m, 1.5g or 1024")]
    [InlineData(new[] { "--input", "a", "--partitions", "1,x" }, "--partitions: 'x' is not a valid int; expected a whole number such as 4 or 1e6")]
    [InlineData(new[] { "--top", "3" }, "missing required option --input; give --input VALUE (file, directory or glob)")]
    [InlineData(new[] { "--input", "a", "extra" }, "unexpected argument 'extra'; WordCount takes only --options (see --help)")]
    [InlineData(new[] { "--input", "a", "--", "--top" }, "unexpected argument '--top'; WordCount takes only --options (see --help)")]
    public void Parse_BadCommandLine_ThrowsOneLineUsageException(string[] args, string message)
    {
        var error = Assert.Throws<UsageException>(() => _parser.Parse(args));

        Assert.Equal(message, error.Message);
        Assert.Equal(2, UsageException.ExitCode);
    }

    [Fact]
    public void Parse_DeclaredPositionals_MatchInOrder()
    {
        var parser = new ArgumentParser("Copy", "Copies.");
        var source = parser.AddPositional<string>("source", "from");
        var count = parser.AddPositional<int?>("count", "how many", required: false);

        var both = parser.Parse(["in.txt", "3"]);
        var one = parser.Parse(["in.txt"]);

        Assert.Equal(("in.txt", 3), (both.Get(source), both.Get(count)));
        Assert.Null(one.Get(count));
        Assert.Equal("missing argument SOURCE (from); see --help", Assert.Throws<UsageException>(() => parser.Parse([])).Message);
        Assert.Equal("unexpected argument 'x'; Copy takes at most 2 (SOURCE COUNT)",
            Assert.Throws<UsageException>(() => parser.Parse(["a", "1", "x"])).Message);
        Assert.Contains("Usage: Copy [options] SOURCE [COUNT]", parser.FormatHelp(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Top")]
    [InlineData("--top")]
    [InlineData("two words")]
    [InlineData("help")]
    [InlineData("input")]
    public void Add_BadOrDuplicateName_ThrowsArgumentException(string name) =>
        Assert.Throws<ArgumentException>(() => _parser.AddFlag(name, "x"));

    [Fact]
    public void Add_UnsupportedType_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => _parser.Add<Uri>("uri", "x"));

    [Fact]
    public void Get_OptionOfAnotherParser_ThrowsArgumentException()
    {
        var other = new ArgumentParser("Other", "x").Add("n", 1, "x");

        Assert.Throws<ArgumentException>(() => _parser.Parse(["--input", "a"]).Get(other));
    }
}

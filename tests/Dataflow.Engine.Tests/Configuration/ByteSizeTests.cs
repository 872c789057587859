using System.ComponentModel;
using Dataflow.Configuration;
using Microsoft.Extensions.Configuration;

namespace Dataflow.Tests.Configuration;

public class ByteSizeTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1024", 1024L)]
    [InlineData("64K", 64L * 1024)]
    [InlineData("64k", 64L * 1024)]
    [InlineData("512m", 512L * 1024 * 1024)]
    [InlineData("512MB", 512L * 1024 * 1024)]
    [InlineData("512MiB", 512L * 1024 * 1024)]
    [InlineData("1g", 1L << 30)]
    [InlineData("1.5g", 3L << 29)]
    [InlineData("2t", 2L << 40)]
    [InlineData("1e6", 1_000_000L)]
    [InlineData("1e3k", 1000L * 1024)]
    [InlineData("100b", 100L)]
    [InlineData(" 8 m ", 8L << 20)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Parse_ValidText_ReturnsBytes(string text, long expected)
    {
        Assert.Equal(expected, ByteSize.Parse(text).Bytes);
        Assert.True(ByteSize.TryParse(text, out var size));
        Assert.Equal(expected, size.Bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("12x")]
    [InlineData("-1m")]
    [InlineData("1.5.2g")]
    [InlineData("m")]
    [InlineData("1mm")]
    [InlineData("1e")]
    [InlineData("NaN")]
    [InlineData("1,5g")]
    [InlineData("9999999t")]
    [InlineData("99999999999999999999")]
    public void Parse_InvalidText_ThrowsFormatExceptionNamingTextAndForms(string text)
    {
        Assert.False(ByteSize.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => ByteSize.Parse(text));
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("512m", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(1000L, "1000")]
    [InlineData(64L * 1024, "64k")]
    [InlineData(512L << 20, "512m")]
    [InlineData(1536L << 20, "1536m")]
    [InlineData(1L << 30, "1g")]
    [InlineData(3L << 40, "3t")]
    public void ToString_Size_GivesCompactFormThatParsesBack(long bytes, string expected)
    {
        var size = new ByteSize(bytes);
        Assert.Equal(expected, size.ToString());
        Assert.Equal(size, ByteSize.Parse(size.ToString()));
    }

    [Fact]
    public void Constructor_NegativeBytes_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ByteSize(-1));

    [Fact]
    public void ConfigurationBinder_StringValue_BindsThroughTypeConverter()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Size", "256m")])
            .Build();

        Assert.Equal(ByteSize.FromMiB(256), configuration.GetValue<ByteSize>("Size"));
        Assert.Equal(ByteSize.FromKiB(2), TypeDescriptor.GetConverter(typeof(ByteSize)).ConvertFromInvariantString("2k"));
    }
}

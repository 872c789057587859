using Dataflow.MLlib.ParameterServer;

namespace Dataflow.MLlib.Tests.ParameterServer;

public sealed class PsWireTests
{
    [Fact]
    public void Push_RoundTrip_KeepsKeysAndFloat32Values()
    {
        int[] keys = [0, 1, 127, 128, 16_384, 9_999_999];
        double[] gradients = [0.1, -2.5, 1e-30, 3.0, -0.0, 123456.789];
        var message = PsWire.EncodePush(keys, gradients);
        var (k, g) = PsWire.DecodePush(message);
        Assert.Equal(keys, k);
        Assert.Equal(gradients.Select(x => (double)(float)x), g);
        // count 1 byte, keys 1 + 1 + 1 + 1 + 2 + 4 bytes (deltas 0, 1, 126, 1, 16,256, 9,983,615), then 6 float32s.
        Assert.Equal(1 + 10 + 24, message.Length);
    }

    [Fact]
    public void Keys_NotAscending_Throw()
    {
        Assert.Throws<ArgumentException>(() => PsWire.EncodeKeys([3, 3]));
        Assert.Throws<ArgumentException>(() => PsWire.EncodeKeys([-1]));
    }

    [Fact]
    public void Reply_Truncated_IsAFormatError()
    {
        var reply = PsWire.EncodeReply(new PullReply(7, 12345, true), [1.5, 2.5]);
        var values = new double[2];
        Assert.Equal(new PullReply(7, 12345, true), PsWire.DecodeReply(reply, values));
        Assert.Equal([1.5, 2.5], values);
        Assert.Throws<FormatException>(() => PsWire.DecodeReply(reply.AsSpan(0, reply.Length - 1), values));
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(7, 7)]
    [InlineData(1_000_001, 4)]
    public void KeyRanges_CoverEveryKeyOnce(int keys, int shards)
    {
        var ranges = new KeyRanges(keys, shards);
        Assert.Equal(0, ranges.First(0));
        Assert.Equal(keys, ranges.First(shards));
        for (var s = 0; s < shards; s++)
        {
            Assert.InRange(ranges.Count(s), keys / shards, (keys / shards) + 1);
            Assert.Equal(s, ranges.ShardOf(ranges.First(s)));
            Assert.Equal(s, ranges.ShardOf(ranges.First(s + 1) - 1));
        }
    }

    [Theory]
    [InlineData("bsp", "bsp")]
    [InlineData("SSP:0", "bsp")]
    [InlineData("ssp:3", "ssp:3")]
    [InlineData("asp", "asp")]
    public void Consistency_Parse(string text, string expected) => Assert.Equal(expected, Consistency.Parse(text).ToString());

    [Theory]
    [InlineData("ssp:")]
    [InlineData("ssp:-1")]
    [InlineData("sync")]
    public void Consistency_Bad_IsAFormatError(string text) => Assert.Contains("ssp:S", Assert.Throws<FormatException>(() => Consistency.Parse(text)).Message);
}

using Dataflow.Cluster.Tests.Support;
using Dataflow.Serialization;
using MessagePack.Formatters;
using MessagePack;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>A formatter registered on the driver is re-created on every worker for the application's own types.</summary>
/// <remarks>
/// Registrations are process-wide, and here the in-process workers share the test process: every context created
/// afterwards ships the registration and makes the workers register again, which invalidates every serializer cache
/// each time. So this runs with the serial process tests, after the in-process suite.
/// </remarks>
[Collection("processes")]
public sealed class SerializerRegistrationTests
{
    [Fact]
    public async Task RegisteredFormatter_IsUsedByWorkersForRecordsCrossingAShuffle()
    {
        // Celsius keeps its state in a private field, which MessagePack's contract-less resolver would drop.
        DataflowSerializer.RegisterFormatter(new CelsiusFormatter());
        var (ctx, _) = await SharedCluster.NewContextAsync();
        await using var disposeContext = ctx;
        var values = Enumerable.Range(1, 300).ToArray();

        var sums = await ctx.Parallelize(values, 4)
            .Select(v => (Key: v % 3, Value: new Celsius(v * 0.5)))
            .GroupByKey(3)
            .Select(g => (g.Key, Sum: g.Value.Sum(c => c.Degrees())))
            .ToArrayAsync(TestContext.Current.CancellationToken);

        var expected = values.GroupBy(v => v % 3).Select(g => (g.Key, g.Sum(v => v * 0.5))).OrderBy(p => p.Key);
        Assert.Equal(expected, sums.OrderBy(p => p.Key));
    }

    public sealed class Celsius(double degrees)
    {
        private readonly double _degrees = degrees;

        public double Degrees() => _degrees;
    }

    public sealed class CelsiusFormatter : IMessagePackFormatter<Celsius>
    {
        public void Serialize(ref MessagePackWriter writer, Celsius value, MessagePackSerializerOptions options) => writer.Write(value.Degrees());

        public Celsius Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => new(reader.ReadDouble());
    }
}

using System.Net;
using Dataflow.Serialization;
using Dataflow.Serialization.Closures;
using Dataflow.Serialization.Records;
using Dataflow.Serialization.TypeSafety;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Tests.Serialization;

public sealed class DataflowSerializerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly CallSite s_where = new("Where", "/src/app/Program.cs", 7);
    private static readonly TypeResolutionPolicy s_policy = new([typeof(DataflowSerializerTests).Assembly]);

    [Fact]
    public void RegisterFormatter_IsUsedByTheRecordAndClosureSerializers()
    {
        DataflowSerializer.RegisterFormatter(new CelsiusFormatter());
        var reading = new Celsius(21.5);
        var hot = AtLeast(reading);

        var record = MessagePackSerializer.Deserialize<Celsius>(MessagePackSerializer.Serialize(reading, RecordSerializer.Options, Ct), RecordSerializer.Options, Ct);
        var copy = ClosureSerializer.Deserialize<Func<Celsius, bool>>(ClosureSerializer.Serialize(hot), s_policy);

        Assert.Equal(21.5, record.Degrees);
        Assert.True(record.RebuiltByFormatter);
        var captured = Assert.IsType<Celsius>(copy.Target!.GetType().GetField("limit")!.GetValue(copy.Target));
        Assert.True(captured.RebuiltByFormatter);
        Assert.True(copy(new Celsius(30)));
        Assert.False(copy(new Celsius(10)));
    }

    [Fact]
    public void RegisterResolver_ServesItsTypesInRecordsAndClosures()
    {
        DataflowSerializer.RegisterResolver(new FahrenheitResolver());
        var reading = new Fahrenheit(70);

        var record = MessagePackSerializer.Deserialize<Fahrenheit>(MessagePackSerializer.Serialize(reading, RecordSerializer.Options, Ct), RecordSerializer.Options, Ct);
        var copy = ClosureSerializer.Deserialize<Func<double>>(ClosureSerializer.Serialize(Read(reading)), s_policy);

        Assert.Equal(70, record.Degrees);
        Assert.True(record.RebuiltByResolver);
        Assert.Equal(70, copy());
        Assert.True(((Fahrenheit)copy.Target!.GetType().GetField("value")!.GetValue(copy.Target)!).RebuiltByResolver);
    }

    [Fact]
    public void RegisterFormatter_ForABaseLibraryType_AllowsItInClosures()
    {
        var checker = new ClosureChecker(TypeResolutionPolicy.ForDriver());
        var local = Equal(IPAddress.Loopback);
        var boxed = Equal<object>(IPAddress.Parse("10.1.2.3"));
        var before = Assert.Throws<ClosureNotSerializableException>(() => checker.Check(local, s_where));

        DataflowSerializer.RegisterFormatter(new IPAddressFormatter());
        checker.Check(local, s_where);
        checker.Check(boxed, s_where);
        var copy = ClosureSerializer.Deserialize<Func<IPAddress, bool>>(ClosureSerializer.Serialize(local), s_policy);
        var boxedCopy = ClosureSerializer.Deserialize<Func<object, bool>>(ClosureSerializer.Serialize(boxed), s_policy);

        Assert.Equal("value", before.MemberPath);
        Assert.True(copy(IPAddress.Parse("127.0.0.1")));
        Assert.False(copy(IPAddress.Parse("10.0.0.1")));
        Assert.True(boxedCopy(IPAddress.Parse("10.1.2.3")));
    }

    private static Func<Celsius, bool> AtLeast(Celsius limit) => c => c.Degrees >= limit.Degrees;

    private static Func<double> Read(Fahrenheit value) => () => value.Degrees;

    private static Func<T, bool> Equal<T>(T value)
        where T : notnull => a => a.Equals(value);

    private sealed class Celsius(double degrees)
    {
        public double Degrees { get; } = degrees;

        // Set only by the formatter: a field-by-field copy would keep false.
        public bool RebuiltByFormatter { get; init; }
    }

    private sealed class Fahrenheit(double degrees)
    {
        public double Degrees { get; } = degrees;

        public bool RebuiltByResolver { get; init; }
    }

    private sealed class CelsiusFormatter : IMessagePackFormatter<Celsius>
    {
        public void Serialize(ref MessagePackWriter writer, Celsius value, MessagePackSerializerOptions options) => writer.Write(value.Degrees);

        public Celsius Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
            new(reader.ReadDouble()) { RebuiltByFormatter = true };
    }

    private sealed class FahrenheitResolver : IFormatterResolver
    {
        public IMessagePackFormatter<T>? GetFormatter<T>() => typeof(T) == typeof(Fahrenheit) ? (IMessagePackFormatter<T>)(object)new Formatter() : null;

        private sealed class Formatter : IMessagePackFormatter<Fahrenheit>
        {
            public void Serialize(ref MessagePackWriter writer, Fahrenheit value, MessagePackSerializerOptions options) => writer.Write(value.Degrees);

            public Fahrenheit Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
                new(reader.ReadDouble()) { RebuiltByResolver = true };
        }
    }

    private sealed class IPAddressFormatter : IMessagePackFormatter<IPAddress?>
    {
        public void Serialize(ref MessagePackWriter writer, IPAddress? value, MessagePackSerializerOptions options) => writer.Write(value?.ToString());

        public IPAddress? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
            reader.ReadString() is { } text ? IPAddress.Parse(text) : null;
    }
}

using System.Diagnostics.CodeAnalysis;
using Dataflow.Serialization;
using Dataflow.Serialization.Closures;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Tests.Serialization.Closures;

/// <summary>What only the dry run (serialise, then deserialise under the driver's policy) can find.</summary>
public sealed class ClosureCheckerDryRunTests
{
    private static readonly CallSite s_select = new("Select", "/src/app/Program.cs", 42);

    [Fact]
    public void Check_FormatterFailingInTheDryRun_IsReportedWithTheMemberPath()
    {
        DataflowSerializer.RegisterFormatter(new BrittleFormatter());
        var brittle = new Reading(new Brittle()).Describe();
        var fragile = Capture(new Fragile());

        var serialising = Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(brittle, s_select));
        var deserialising = Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(fragile, s_select));

        Assert.Equal("closure of Select at Program.cs:42 captures 'this.Value' (Brittle), which cannot be sent to workers: brittle on write", serialising.Message);
        Assert.StartsWith("closure of Select at Program.cs:42 cannot be sent to workers: ", deserialising.Message, StringComparison.Ordinal);
        Assert.Contains("fragile on read", deserialising.InnerException!.ToString(), StringComparison.Ordinal);
    }

    private static Func<int, int> Capture<T>(T value) => x => x + (value?.GetHashCode() ?? 0);

    private sealed class Reading(Brittle value)
    {
        public Brittle Value { get; } = value;

        public Func<int, int> Describe() => x => x + Value.GetHashCode();
    }

    private sealed class Brittle;

    [MessagePackFormatter(typeof(Formatter))]
    private sealed class Fragile
    {
        public Fragile() => Value = 1;

        public int Value { get; }

        private Fragile(bool fail) => Value = fail ? throw new InvalidOperationException("fragile on read") : 0;

        [SuppressMessage("Performance", "CA1812", Justification = "Created by MessagePack.")]
        internal sealed class Formatter : IMessagePackFormatter<Fragile>
        {
            public void Serialize(ref MessagePackWriter writer, Fragile value, MessagePackSerializerOptions options) => writer.Write(1);

            public Fragile Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
            {
                reader.Skip();
                return new Fragile(fail: true);
            }
        }
    }

    private sealed class BrittleFormatter : IMessagePackFormatter<Brittle>
    {
        public void Serialize(ref MessagePackWriter writer, Brittle value, MessagePackSerializerOptions options) =>
            throw new InvalidOperationException("brittle on write");

        public Brittle Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => new();
    }
}

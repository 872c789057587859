using System.Text.RegularExpressions;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization.Closures;

/// <summary>A <see cref="Regex"/> travels as its pattern, options and match timeout, and is rebuilt on the worker.</summary>
internal sealed class RegexFormatter : IMessagePackFormatter<Regex?>
{
    public void Serialize(ref MessagePackWriter writer, Regex? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteArrayHeader(3);
        writer.Write(value.ToString());
        writer.Write((int)value.Options);
        writer.Write(value.MatchTimeout.Ticks);
    }

    public Regex? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        if (reader.ReadArrayHeader() != 3)
        {
            throw new MessagePackSerializationException("A Regex is an array of 3 elements.");
        }

        var pattern = reader.ReadString() ?? "";
        var regexOptions = (RegexOptions)reader.ReadInt32();
        var timeout = TimeSpan.FromTicks(reader.ReadInt64());
        return new Regex(pattern, regexOptions, timeout);
    }
}

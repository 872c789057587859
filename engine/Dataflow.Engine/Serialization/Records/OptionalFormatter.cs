using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization.Records;

/// <summary>
/// Writes an <see cref="Optional{T}"/> as <c>[hasValue, value]</c> (value <c>nil</c> when missing). Needed because
/// the contract-less resolver cannot rebuild a struct whose state is a private field behind a throwing getter.
/// </summary>
internal sealed class OptionalFormatter<T> : IMessagePackFormatter<Optional<T>>
{
    public void Serialize(ref MessagePackWriter writer, Optional<T> value, MessagePackSerializerOptions options)
    {
        writer.WriteArrayHeader(2);
        writer.Write(value.HasValue);
        if (value.HasValue)
        {
            options.Resolver.GetFormatterWithVerify<T>().Serialize(ref writer, value.Value, options);
        }
        else
        {
            writer.WriteNil();
        }
    }

    public Optional<T> Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var count = reader.ReadArrayHeader();
        if (count != 2)
        {
            throw new MessagePackSerializationException($"An Optional<{typeof(T).Name}> is an array of 2 elements, not {count}.");
        }

        if (!reader.ReadBoolean())
        {
            reader.Skip();
            return default;
        }

        options.Security.DepthStep(ref reader);
        try
        {
            return new Optional<T>(options.Resolver.GetFormatterWithVerify<T>().Deserialize(ref reader, options));
        }
        finally
        {
            reader.Depth--;
        }
    }
}

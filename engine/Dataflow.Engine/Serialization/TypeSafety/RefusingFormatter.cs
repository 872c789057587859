using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization.TypeSafety;

/// <summary>
/// The formatter of a type that closures cannot carry: any value fails with the reason (a <c>null</c> of that type,
/// such as an unset field, travels as <c>nil</c>).
/// </summary>
internal sealed class RefusingFormatter<T>(string reason) : IMessagePackFormatter<T>
{
    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is not null)
        {
            throw new NotSupportedException($"{TypeNames.Display(typeof(T))} cannot be sent to workers: {reason}.");
        }

        writer.WriteNil();
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        reader.TryReadNil() && default(T) is null
            ? default!
            : throw new NotSupportedException($"{TypeNames.Display(typeof(T))} cannot be deserialised: {reason}.");
}

using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization.Closures;

/// <summary>
/// For objects whose only purpose is their identity in one process (a <see cref="Lock"/>, a bare <c>object</c> used as
/// a lock): nothing is written, and the reader gets a new instance, which is what a copy of a lock should be.
/// </summary>
internal sealed class FreshInstanceFormatter<T> : IMessagePackFormatter<T>
    where T : class, new()
{
    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.WriteArrayHeader(0);
        }
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null!;
        }

        reader.Skip();
        return new T();
    }
}

using Dataflow.Serialization.Closures;
using Dataflow.Serialization.TypeSafety;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization.Wire;

/// <summary>
/// An RDD inside a task binary travels as its number in the binary's <see cref="RddTable"/> (or <c>nil</c> when it is
/// not part of the stage). Anywhere else — a user's closure — an RDD cannot travel at all: transformations and actions
/// run only on the driver (the same refusal the build-time check reports).
/// </summary>
internal sealed class RddReferenceFormatter<T> : IMessagePackFormatter<T>
    where T : RddBase
{
    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        var table = (options as ClosureSerializerOptions)?.Rdds ?? throw new NotSupportedException(
            $"{TypeNames.Display(typeof(T))} cannot be sent to workers: transformations and actions run only on the driver; join or broadcast the data instead.");
        var number = table.NumberOf(value);
        if (number < 0)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(number);
        }
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null!;
        }

        var table = (options as ClosureSerializerOptions)?.Rdds ?? throw new MessagePackSerializationException("An RDD can be read only inside a task binary.");
        return table.Get(reader.ReadInt32()) as T ??
            throw new MessagePackSerializationException($"The task binary's RDD entry is not a {TypeNames.Display(typeof(T))}.");
    }
}

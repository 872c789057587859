using Dataflow.Serialization.Closures;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization.TypeSafety;

/// <summary>
/// A driver-only object (the <see cref="DataflowContext"/>) referenced by the engine's own objects in a task binary —
/// every RDD holds its context — travels as <c>nil</c>: tasks never use it. Captured by a user's closure it is refused
/// with <paramref name="reason"/>, as the build-time check reports.
/// </summary>
internal sealed class DriverOnlyFormatter<T>(string reason) : IMessagePackFormatter<T>
{
    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is not null && (options as ClosureSerializerOptions)?.Rdds is null)
        {
            throw new NotSupportedException($"{TypeNames.Display(typeof(T))} cannot be sent to workers: {reason}.");
        }

        writer.WriteNil();
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        reader.TryReadNil()
            ? default!
            : throw new MessagePackSerializationException($"{TypeNames.Display(typeof(T))} never travels; the payload is malformed.");
}

using Dataflow.Broadcasting;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization.Closures;

/// <summary>
/// A captured <see cref="Broadcast{T}"/> travels as its id and call site only: its value is shipped once per executor
/// by the broadcast mechanism, and the driver-side object holds the <see cref="DataflowContext"/>, which must not
/// travel. The reader creates an executor-side handle (no context) whose <see cref="Broadcast{T}.Value"/> reads the
/// running task's executor copy.
/// </summary>
internal sealed class BroadcastFormatter<T> : IMessagePackFormatter<Broadcast<T>?>
{
    public void Serialize(ref MessagePackWriter writer, Broadcast<T>? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        if (value.IsDestroyed)
        {
            throw new InvalidOperationException($"Broadcast {value.Id} (created by {value.CallSite}) was destroyed; a function that uses it cannot be sent to workers.");
        }

        writer.WriteArrayHeader(4);
        writer.Write(value.Id);
        writer.Write(value.CallSite.Operation);
        writer.Write(value.CallSite.File);
        writer.Write(value.CallSite.Line);
    }

    public Broadcast<T>? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        if (reader.ReadArrayHeader() != 4)
        {
            throw new MessagePackSerializationException("A broadcast handle is an array of 4 elements.");
        }

        var id = reader.ReadInt64();
        var callSite = new CallSite(reader.ReadString() ?? "", reader.ReadString() ?? "", reader.ReadInt32());
        // No context: the executor-side handle.
        return new Broadcast<T>(id, default!, null!, callSite);
    }
}

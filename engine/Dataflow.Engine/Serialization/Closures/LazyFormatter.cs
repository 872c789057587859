using Dataflow.Serialization.TypeSafety;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization.Closures;

/// <summary>
/// A <see cref="Lazy{T}"/> held by the engine's RDDs (coalesced groups, say) travels in a task binary as its value,
/// which the driver computed when it prepared the stage's partitions. A user's closure may not capture one: writing it
/// would force it on the driver, which the user deferred on purpose.
/// </summary>
internal sealed class LazyFormatter<T> : IMessagePackFormatter<Lazy<T>?>
{
    public void Serialize(ref MessagePackWriter writer, Lazy<T>? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        if ((options as ClosureSerializerOptions)?.Rdds is null)
        {
            throw new NotSupportedException(
                $"{TypeNames.Display(typeof(Lazy<T>))} cannot be sent to workers: it would be evaluated on the driver; capture its value, or create it inside the task.");
        }

        writer.WriteArrayHeader(1);
        options.Resolver.GetFormatterWithVerify<T>().Serialize(ref writer, value.Value, options);
    }

    public Lazy<T>? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        if (reader.ReadArrayHeader() != 1)
        {
            throw new MessagePackSerializationException("A lazy value is an array of 1 element.");
        }

        return new Lazy<T>(options.Resolver.GetFormatterWithVerify<T>().Deserialize(ref reader, options));
    }
}

using Dataflow.Serialization.TypeSafety;
using Dataflow.Serialization.Wire;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization.Closures;

/// <summary>
/// Writes a value of a declared type that values of other runtime types can hide behind (<c>object</c>, an interface,
/// an abstract or unsealed class) as <c>[tag, payload]</c>: tag <c>nil</c> when the runtime type is the declared one,
/// the runtime type's name otherwise (resolved on the worker through the <see cref="TypeResolutionPolicy"/>, which
/// refuses types off the allow-list before reading the payload), or the id of a <see cref="WellKnownInstances"/>
/// singleton. The payload is written by the concrete resolver's formatter for the runtime type.
/// </summary>
internal sealed class PolymorphicFormatter<T>(IFormatterResolver concrete) : IMessagePackFormatter<T>
{
    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteArrayHeader(2);
        var type = value.GetType();
        if (WellKnownInstances.TryGetId(value, out var id, out var argument))
        {
            writer.Write(id);
            if (argument is null)
            {
                writer.WriteNil();
            }
            else
            {
                writer.Write(TypeNames.Wire(argument));
            }
        }
        else if (type == typeof(T) || IsHiddenBehindInterface(type))
        {
            writer.WriteNil();
            concrete.GetFormatterWithVerify<T>().Serialize(ref writer, value, options);
        }
        else
        {
            writer.Write(TypeNames.Wire(type));
            BoxedCodec.For(type).Write(ref writer, value, concrete, options);
        }
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return default!;
        }

        if (reader.ReadArrayHeader() != 2)
        {
            throw new MessagePackSerializationException($"A {TypeNames.Display(typeof(T))} value is an array of 2 elements.");
        }

        options.Security.DepthStep(ref reader);
        try
        {
            if (reader.TryReadNil())
            {
                return concrete.GetFormatterWithVerify<T>().Deserialize(ref reader, options);
            }

            var policy = ClosureSerializerOptions.PolicyOf(options);
            if (reader.NextMessagePackType == MessagePackType.Integer)
            {
                var id = reader.ReadInt32();
                var argument = reader.TryReadNil() ? null : policy.Resolve(reader.ReadString()!);
                return Expect(WellKnownInstances.Get(id, argument));
            }

            var type = policy.Resolve(reader.ReadString() ?? "");
            if (!typeof(T).IsAssignableFrom(type))
            {
                throw new MessagePackSerializationException($"The payload names {type.FullName}, which is not a {typeof(T).FullName}.");
            }

            return Expect(BoxedCodec.For(type).Read(ref reader, concrete, options));
        }
        finally
        {
            reader.Depth--;
        }
    }

    /// <summary>
    /// A non-public type behind a base-library collection interface (a LINQ iterator or a spillable group behind
    /// <c>IEnumerable&lt;T&gt;</c>, MessagePack's own <c>IGrouping</c>) travels as that interface — its elements, read back
    /// as a plain collection — rather than by a name no worker may resolve.
    /// </summary>
    private static bool IsHiddenBehindInterface(Type runtimeType) =>
        typeof(T).IsInterface && typeof(System.Collections.IEnumerable).IsAssignableFrom(typeof(T)) && !runtimeType.IsVisible &&
        TypeAllowList.IsFrameworkAssembly(typeof(T).Assembly);

    // Null is what some formatters legitimately read (an RDD outside a task binary's table).
    private static T Expect(object? value) => value is null || value is T
        ? (T)value!
        : throw new MessagePackSerializationException($"The payload holds a {value?.GetType().FullName}, which is not a {typeof(T).FullName}.");
}

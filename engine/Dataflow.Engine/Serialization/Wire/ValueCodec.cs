using System.Buffers;
using Dataflow.Serialization.Closures;
using Dataflow.Serialization.TypeSafety;
using MessagePack;

namespace Dataflow.Serialization.Wire;

/// <summary>
/// A single value (a broadcast's, say) as bytes, written like captured state (<see cref="ClosureResolver"/>): its
/// runtime type named, read back only as the reader's <see cref="TypeResolutionPolicy"/> allows.
/// </summary>
internal static class ValueCodec
{
    public static byte[] Serialize(object? value)
    {
        var options = ClosureSerializer.WriteOptions();
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        options.Resolver.GetFormatterWithVerify<object?>().Serialize(ref writer, value, options);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static object? Deserialize(ReadOnlyMemory<byte> bytes, TypeResolutionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        using var scope = policy.LoadContext?.EnterContextualReflection();
        var options = policy.Options;
        var reader = new MessagePackReader(bytes);
        return options.Resolver.GetFormatterWithVerify<object?>().Deserialize(ref reader, options);
    }
}

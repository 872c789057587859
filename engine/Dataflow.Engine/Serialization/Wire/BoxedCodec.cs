using System.Collections.Concurrent;
using System.Reflection;
using MessagePack;

namespace Dataflow.Serialization.Wire;

/// <summary>
/// Writes and reads a value whose type is known only at run time (a field's declared type, a payload's named type)
/// through the generic formatter of that type, with one cached delegate pair per type instead of reflection per value.
/// </summary>
internal static class BoxedCodec
{
    private static readonly ConcurrentDictionary<Type, Codec> s_codecs = new();
    private static readonly MethodInfo s_writeAs = typeof(BoxedCodec).GetMethod(nameof(WriteAs), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo s_readAs = typeof(BoxedCodec).GetMethod(nameof(ReadAs), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Writes <paramref name="value"/> with <paramref name="resolver"/>'s formatter for the codec's type.</summary>
    public delegate void Writer(ref MessagePackWriter writer, object? value, IFormatterResolver resolver, MessagePackSerializerOptions options);

    /// <summary>Reads a value with <paramref name="resolver"/>'s formatter for the codec's type.</summary>
    public delegate object? Reader(ref MessagePackReader reader, IFormatterResolver resolver, MessagePackSerializerOptions options);

    /// <summary>The codec for <paramref name="type"/>.</summary>
    public static Codec For(Type type) => s_codecs.GetOrAdd(type, static t => new Codec(
        s_writeAs.MakeGenericMethod(t).CreateDelegate<Writer>(),
        s_readAs.MakeGenericMethod(t).CreateDelegate<Reader>()));

    private static void WriteAs<T>(ref MessagePackWriter writer, object? value, IFormatterResolver resolver, MessagePackSerializerOptions options) =>
        resolver.GetFormatterWithVerify<T>().Serialize(ref writer, (T)value!, options);

    private static object? ReadAs<T>(ref MessagePackReader reader, IFormatterResolver resolver, MessagePackSerializerOptions options) =>
        resolver.GetFormatterWithVerify<T>().Deserialize(ref reader, options);

    /// <summary>A type's writer and reader.</summary>
    internal sealed record Codec(Writer Write, Reader Read);
}

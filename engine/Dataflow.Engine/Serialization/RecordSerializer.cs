using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Dataflow.Serialization;

/// <summary>
/// The MessagePack settings for records that cross a shuffle, a spill or a process: the standard formatters plus the
/// contract-less resolver, so tuples, records and plain classes with public members work without attributes.
/// </summary>
internal static class RecordSerializer
{
    public static MessagePackSerializerOptions Options { get; } =
        MessagePackSerializerOptions.Standard.WithResolver(ContractlessStandardResolver.Instance);

    public static IMessagePackFormatter<T> Formatter<T>() => Options.Resolver.GetFormatterWithVerify<T>();
}

using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Dataflow.Serialization.Records;

/// <summary>
/// The MessagePack settings for records that cross a shuffle, a spill or a process: the formatters registered with
/// <see cref="DataflowSerializer"/>, then the standard formatters plus the contract-less resolver, so tuples, records
/// and plain classes with public members work without attributes.
/// </summary>
internal static class RecordSerializer
{
    private static volatile Snapshot s_current = new(-1, MessagePackSerializerOptions.Standard);

    /// <summary>The options for the current registrations (rebuilt after a registration).</summary>
    public static MessagePackSerializerOptions Options
    {
        get
        {
            var current = s_current;
            var version = DataflowSerializer.Version;
            if (current.Version != version)
            {
                s_current = current = new Snapshot(version,
                    MessagePackSerializerOptions.Standard.WithResolver(DataflowSerializer.Behind(ContractlessStandardResolver.Instance)));
            }

            return current.Options;
        }
    }

    public static IMessagePackFormatter<T> Formatter<T>() => Options.Resolver.GetFormatterWithVerify<T>();

    private sealed record Snapshot(int Version, MessagePackSerializerOptions Options);
}

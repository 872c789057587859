using MessagePack;

namespace Dataflow.Storage;

/// <summary>
/// Derives a record's managed size from its MessagePack form without reflection: scalars take an 8-byte field, a
/// string is an object of UTF-16 characters, an array or map is an object with a slot per element (a map also a
/// hash-table entry per pair). The record's outer array (a value tuple or contract-less object) counts as inline.
/// </summary>
/// <remarks>
/// Deliberately on the high side for small records (a value tuple nested in a record counts as an object; member
/// names of contract-less objects count as strings): overestimating costs an early spill, underestimating costs the
/// budget. Strings of non-ASCII text are counted by UTF-8 bytes, which is at least their character count.
/// </remarks>
internal static class ManagedSizeHeuristic
{
    private const int ObjectHeader = 24;
    private const int Slot = 8;
    private const int MapEntry = 24;

    public static long Estimate(ReadOnlyMemory<byte> serialized)
    {
        var reader = new MessagePackReader(serialized);
        return Value(ref reader, inline: true);
    }

    private static long Value(ref MessagePackReader reader, bool inline)
    {
        var own = inline ? 0 : Slot;
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.String:
                return Slot + ObjectHeader + 2 * (reader.ReadStringSequence()?.Length ?? 0);
            case MessagePackType.Binary:
                return Slot + ObjectHeader + (reader.ReadBytes()?.Length ?? 0);
            case MessagePackType.Extension:
                return Slot + ObjectHeader + reader.ReadExtensionFormat().Data.Length;
            case MessagePackType.Array:
            {
                var count = reader.ReadArrayHeader();
                long size = inline ? 0 : own + ObjectHeader;
                for (var i = 0; i < count; i++)
                {
                    size += Value(ref reader, inline: false);
                }

                return size;
            }

            case MessagePackType.Map:
            {
                var count = reader.ReadMapHeader();
                long size = own + ObjectHeader + (long)count * MapEntry;
                for (var i = 0; i < 2 * count; i++)
                {
                    size += Value(ref reader, inline: false);
                }

                return size;
            }

            default:
                reader.Skip();
                return Slot;
        }
    }
}

using Dataflow.Serialization.Records;
using MessagePack;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// An independent copy of a seed value: immutable values as they are, others through MessagePack. (Named apart
    /// from the private <c>CopySeed</c> it replaces so that the tree compiles before and after that one is removed.)
    /// </summary>
    internal static TValue DeepCopySeed<TValue>(TValue seed)
    {
        if (IsImmutableSeed(seed))
        {
            return seed;
        }

        var bytes = MessagePackSerializer.Serialize(seed, RecordSerializer.Options);
        return MessagePackSerializer.Deserialize<TValue>(bytes, RecordSerializer.Options);
    }

    /// <summary>
    /// A factory of independent copies of <paramref name="seed"/> for by-key aggregations, which need one per key and
    /// partition: the seed is serialised once, here, when the transformation is built (so an unserialisable seed fails
    /// at once), and each call deserialises a fresh copy.
    /// </summary>
    internal static Func<TValue> SeedFactory<TValue>(TValue seed)
    {
        if (IsImmutableSeed(seed))
        {
            return () => seed;
        }

        var bytes = MessagePackSerializer.Serialize(seed, RecordSerializer.Options);
        return () => MessagePackSerializer.Deserialize<TValue>(bytes, RecordSerializer.Options);
    }

    private static bool IsImmutableSeed<TValue>(TValue seed) =>
        seed is null || typeof(TValue).IsPrimitive || seed is string || seed is decimal || seed is DateTime;
}

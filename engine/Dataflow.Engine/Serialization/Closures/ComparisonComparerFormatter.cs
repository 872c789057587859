using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization.Closures;

/// <summary>
/// A comparer made with <see cref="Comparer{T}.Create"/> (<typeparamref name="TComparer"/>, the runtime's internal
/// class) travels as its <see cref="Comparison{T}"/>, itself a closure, and is made again with <see cref="Comparer{T}.Create"/>.
/// </summary>
internal sealed class ComparisonComparerFormatter<TComparer, T> : IMessagePackFormatter<TComparer?>
    where TComparer : class, IComparer<T>
{
    private static readonly System.Reflection.FieldInfo s_field = ComparisonComparers.ComparisonField(typeof(TComparer))!;

    public void Serialize(ref MessagePackWriter writer, TComparer? value, MessagePackSerializerOptions options) =>
        options.Resolver.GetFormatterWithVerify<Comparison<T>?>().Serialize(ref writer, (Comparison<T>?)s_field.GetValue(value), options);

    public TComparer? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        options.Resolver.GetFormatterWithVerify<Comparison<T>?>().Deserialize(ref reader, options) is { } comparison
            ? (TComparer)(object)Comparer<T>.Create(comparison)
            : null;
}

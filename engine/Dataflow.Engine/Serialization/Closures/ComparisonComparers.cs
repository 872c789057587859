using System.Reflection;

namespace Dataflow.Serialization.Closures;

/// <summary>
/// Knows the runtime's internal class behind <see cref="Comparer{T}.Create"/> (<c>ComparisonComparer&lt;T&gt;</c>), which
/// closures capture whenever a custom ordering is passed as an <see cref="IComparer{T}"/>.
/// </summary>
internal static class ComparisonComparers
{
    /// <summary>The generic definition, or <c>null</c> if this runtime has none.</summary>
    public static Type? Definition { get; } = typeof(Comparer<>).Assembly.GetType("System.Collections.Generic.ComparisonComparer`1");

    /// <summary>The field holding the comparison, on the closed type <paramref name="type"/>.</summary>
    public static FieldInfo? ComparisonField(Type type) => type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
        .SingleOrDefault(f => f.FieldType == typeof(Comparison<>).MakeGenericType(type.GetGenericArguments()));

    /// <summary>Whether <paramref name="type"/> is a closed <c>ComparisonComparer&lt;T&gt;</c> whose comparison can be read.</summary>
    public static bool Handles(Type type) =>
        Definition is not null && type.IsConstructedGenericType && type.GetGenericTypeDefinition() == Definition && ComparisonField(type) is not null;
}

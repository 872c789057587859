using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using Dataflow.Serialization.TypeSafety;
using Dataflow.Serialization.Wire;

namespace Dataflow.Serialization.Records;

/// <summary>
/// The fields a <see cref="FieldwiseFormatter{T}"/> copies (every instance field of the type and its base types,
/// private ones included, except <c>[NonSerialized]</c> ones), in a fixed order, with the names error messages show:
/// <c>this</c> for a closure's captured <c>this</c>, the property name for an auto-property's backing field, the
/// parameter name for a captured primary-constructor parameter, and nothing for the link from a nested closure
/// scope to its parent (so paths read as the user wrote them).
/// </summary>
internal sealed class FieldwiseLayout
{
    private static readonly ConcurrentDictionary<Type, FieldwiseLayout> s_layouts = new();

    private FieldwiseLayout(Type type)
    {
        Problem = FindProblem(type);
        var fields = new List<FieldInfo>();
        if (Problem is null)
        {
            var chain = new List<Type>();
            for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
            {
                chain.Add(t);
            }

            chain.Reverse();
            foreach (var t in chain)
            {
                fields.AddRange(t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                    .Where(f => !f.IsDefined(typeof(NonSerializedAttribute), inherit: false)).OrderBy(f => f.MetadataToken));
            }

            if (fields.FirstOrDefault(f => f.FieldType.IsPointer || f.FieldType.IsFunctionPointer) is { } pointer)
            {
                Problem = $"its field {pointer.Name} is a pointer";
                fields.Clear();
            }
        }

        Fields = [.. fields];
        // An operator's own closure holds the user's function: paths start at the user's function, as written.
        var engineClosure = type.Assembly == typeof(FieldwiseLayout).Assembly && IsCompilerGenerated(type);
        Names = [.. fields.Select(f => engineClosure && typeof(Delegate).IsAssignableFrom(f.FieldType) ? "" : DisplayName(f))];
        Codecs = [.. fields.Select(f => BoxedCodec.For(f.FieldType))];
    }

    /// <summary>The fields, base types' first, each type's in declaration order.</summary>
    public FieldInfo[] Fields { get; }

    /// <summary>The fields' names as messages show them ("" for a transparent link).</summary>
    public string[] Names { get; }

    /// <summary>The fields' codecs.</summary>
    public BoxedCodec.Codec[] Codecs { get; }

    /// <summary>Why the type cannot be copied field by field, or <c>null</c>.</summary>
    public string? Problem { get; }

    public static FieldwiseLayout For(Type type) => s_layouts.GetOrAdd(type, static t => new FieldwiseLayout(t));

    /// <summary>Whether <paramref name="type"/> is a closure class the compiler generated (a display class or the cache of non-capturing lambdas).</summary>
    public static bool IsCompilerGenerated(Type type) =>
        type.Name.StartsWith("<>c", StringComparison.Ordinal) && type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);

    private static string DisplayName(FieldInfo field)
    {
        var name = field.Name;
        if (name == "<>4__this")
        {
            return "this";
        }

        if (name.StartsWith("CS$<>8__locals", StringComparison.Ordinal))
        {
            return "";
        }

        if (name.StartsWith('<'))
        {
            var end = name.IndexOf('>', StringComparison.Ordinal);
            if (end > 1 && (name.EndsWith(">k__BackingField", StringComparison.Ordinal) || name.EndsWith(">P", StringComparison.Ordinal)))
            {
                return name[1..end];
            }
        }

        return name;
    }

    private static string? FindProblem(Type type)
    {
        if (type.IsAbstract || type.IsInterface || type.IsByRefLike || type.ContainsGenericParameters)
        {
            return "it is abstract, an interface, a ref struct or an open generic type";
        }

        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            if (TypeAllowList.IsFrameworkAssembly(t.Assembly))
            {
                return t == type
                    ? "it is a base-library type without a serialiser"
                    : $"it derives from the base-library type {t.FullName}, whose private state is not ours to copy";
            }
        }

        return null;
    }
}

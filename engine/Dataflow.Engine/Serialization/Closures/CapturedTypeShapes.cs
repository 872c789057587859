using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using Dataflow.Broadcasting;
using Dataflow.Serialization.Records;
using Dataflow.Serialization.TypeSafety;

namespace Dataflow.Serialization.Closures;

/// <summary>
/// What <see cref="ClosureChecker"/> knows about a captured value from its type alone, cached per type: whether the type
/// is refused outright, a leaf (its serialised form depends only on its type: nothing inside needs looking at), or a
/// container whose "open" members must be walked because they may hold values of other types (an <c>object</c> or
/// interface field, a delegate, an element of an <c>object[]</c>).
/// </summary>
internal sealed class CapturedTypeShapes(TypeAllowList allowList)
{
    [ThreadStatic]
    private static HashSet<Type>? t_inProgress;

    private readonly ConcurrentDictionary<Type, Shape> _shapes = new();
    private readonly ConcurrentDictionary<Type, bool> _determined = new();

    /// <summary>What a captured value is, for the walk.</summary>
    public enum Kind
    {
        /// <summary>An RDD: the special "transformations run only on the driver" error.</summary>
        Rdd,

        /// <summary>On the deny list (<see cref="DeniedTypes"/>); <see cref="Shape.Reason"/> is the fix.</summary>
        Denied,

        /// <summary>Off the allow-list, or not copyable; <see cref="Shape.Reason"/> says why.</summary>
        NotAllowed,

        /// <summary>Nothing inside needs walking.</summary>
        Leaf,

        /// <summary>A delegate: check its method, walk its target.</summary>
        Delegate,

        /// <summary>Walk the fields in <see cref="Shape.OpenFields"/>.</summary>
        Object,

        /// <summary>A base-library collection or array whose elements may be of other types: walk them (bounded).</summary>
        Collection,
    }

    /// <summary>The shape of runtime type <paramref name="type"/>.</summary>
    public Shape ShapeOf(Type type) => _shapes.GetOrAdd(type, static (t, self) => self.Classify(t), this);

    /// <summary>Whether every value of declared type <paramref name="type"/> serialises the same way, whatever it holds.</summary>
    public bool IsDetermined(Type type)
    {
        if (_determined.TryGetValue(type, out var known))
        {
            return known;
        }

        t_inProgress ??= [];
        if (!t_inProgress.Add(type))
        {
            // A recursive type (a node holding a node): its values may nest or cycle, so they are walked.
            return false;
        }

        try
        {
            return _determined.GetOrAdd(type, Determine(type));
        }
        finally
        {
            t_inProgress.Remove(type);
        }
    }

    private bool Determine(Type type)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Broadcast<>))
        {
            // Its type is fine, but a destroyed one may not travel: values are looked at.
            return false;
        }

        if (HasOwnFormatter(type))
        {
            // The formatter decides what travels, for values of subtypes too (a field declared IPAddress holding a
            // runtime-internal subclass is written by the IPAddress formatter).
            return true;
        }

        if (ClosureResolver.IsPolymorphic(type) || typeof(Delegate).IsAssignableFrom(type))
        {
            return false;
        }

        var shape = ShapeOf(type);
        return shape.Deferred is null && (shape.Kind == Kind.Leaf || (type.IsArray && IsDetermined(type.GetElementType()!)));
    }

    private Shape Classify(Type type)
    {
        if (typeof(RddBase).IsAssignableFrom(type))
        {
            return new Shape(Kind.Rdd);
        }

        if (DeniedTypes.HintFor(type) is { } hint)
        {
            return new Shape(Kind.Denied, hint);
        }

        if (typeof(Delegate).IsAssignableFrom(type))
        {
            return new Shape(Kind.Delegate);
        }

        if (HasOwnFormatter(type) || type.IsEnum || type == typeof(Regex) || type == typeof(Lock) || type == typeof(object) ||
            (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Broadcast<>)))
        {
            // Written by a formatter that decides what travels: nothing inside is copied as is.
            return new Shape(Kind.Leaf);
        }

        var definition = type.IsConstructedGenericType ? type.GetGenericTypeDefinition() : type;
        if (!allowList.IsAllowed(definition, out var reason))
        {
            return new Shape(Kind.NotAllowed, reason);
        }

        // A generic type over a refused type (a closure class over a captured value's type, a List<FileInfo>) is refused
        // too, but only after its members are walked: a member of the offending type makes the better message.
        return allowList.IsAllowed(type, out reason) ? ClassifyAllowed(type) : ClassifyAllowed(type) with { Deferred = reason };
    }

    private Shape ClassifyAllowed(Type type)
    {
        if (type.IsArray)
        {
            return IsDetermined(type.GetElementType()!) ? new Shape(Kind.Leaf) : new Shape(Kind.Collection);
        }

        if (ComparisonComparers.Handles(type))
        {
            return OpenFields(type, [ComparisonComparers.ComparisonField(type)!], _ => "comparison");
        }

        if (TypeAllowList.IsFrameworkAssembly(type.Assembly))
        {
            if (!type.IsGenericType || type.GetGenericArguments().All(IsDetermined))
            {
                return new Shape(Kind.Leaf);
            }

            // Collections are enumerated (their private layout is not what travels); tuples and pairs are walked by field.
            return typeof(IEnumerable).IsAssignableFrom(type)
                ? new Shape(Kind.Collection)
                : OpenFields(type, type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic), f => f.Name);
        }

        var layout = FieldwiseLayout.For(type);
        if (layout.Problem is { } problem)
        {
            return new Shape(Kind.NotAllowed, $"{type.FullName} cannot be copied: {problem}");
        }

        return OpenFields(type, layout.Fields, f => layout.Names[Array.IndexOf(layout.Fields, f)]);
    }

    private Shape OpenFields(Type type, FieldInfo[] fields, Func<FieldInfo, string> name)
    {
        // Mark the type as in progress so that a field of its own type counts as open rather than recursing forever.
        t_inProgress ??= [];
        var added = t_inProgress.Add(type);
        try
        {
            var open = fields.Where(f => !IsDetermined(f.FieldType)).ToArray();
            return open.Length == 0 ? new Shape(Kind.Leaf) : new Shape(Kind.Object, null, open, [.. open.Select(name)]);
        }
        finally
        {
            if (added)
            {
                t_inProgress.Remove(type);
            }
        }
    }

    private static bool HasOwnFormatter(Type type) =>
        DataflowSerializer.HasUserFormatter(type) || type.IsDefined(typeof(MessagePack.MessagePackFormatterAttribute), inherit: false);

    /// <summary>A type's shape.</summary>
    /// <param name="Kind">What to do with a value.</param>
    /// <param name="Reason">Why it is refused (<see cref="Kind.Denied"/>: the fix).</param>
    /// <param name="OpenFields">The fields to walk (<see cref="Kind.Object"/>).</param>
    /// <param name="OpenNames">Their names in messages.</param>
    /// <param name="Deferred">Why the type is refused after all, reported when its members do not explain it.</param>
    internal sealed record Shape(Kind Kind, string? Reason = null, FieldInfo[]? OpenFields = null, string[]? OpenNames = null, string? Deferred = null);
}

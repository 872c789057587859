using System.Collections.Concurrent;
using System.Reflection;
using Dataflow.Serialization.TypeSafety;

namespace Dataflow.Serialization.Records;

/// <summary>
/// Checks, when a job is built, that a record type which will cross a shuffle, a spill or a disk cache can be
/// serialised, so that the problem is reported at the operator's call site instead of failing every task attempt.
/// Generic arguments are checked too, because MessagePack resolves the formatters of a tuple's or a list's elements
/// only when the first record is written.
/// </summary>
internal static class RecordTypeCheck
{
    private const int MaxDepth = 8;
    private static readonly ConcurrentDictionary<Type, string?> s_verdicts = new();
    private static readonly MethodInfo s_formatter = typeof(RecordSerializer).GetMethod(nameof(RecordSerializer.Formatter))!;

    /// <summary>Throws <see cref="ArgumentException"/> naming the type and the call site if records of <paramref name="type"/> cannot be serialised.</summary>
    public static void Ensure(Type type, CallSite callSite, string why)
    {
        if (Problem(type, 0) is { } problem)
        {
            throw new ArgumentException(
                $"{callSite}: records of type {TypeNames.Display(type)} {why}, but they cannot be serialised: {problem} " +
                "Make the type public, with its data in public properties that are settable or set by a matching constructor, or register a formatter " +
                "with Dataflow.Serialization.DataflowSerializer.RegisterFormatter.");
        }
    }

    private static string? Problem(Type type, int depth) => depth > MaxDepth ? null : s_verdicts.GetOrAdd(type, t => Check(t, depth));

    private static string? Check(Type type, int depth)
    {
        object formatter;
        try
        {
            formatter = s_formatter.MakeGenericMethod(type).Invoke(null, null)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            var inner = e.InnerException is TypeInitializationException { InnerException: { } cause } ? cause : e.InnerException;
            return $"{TypeNames.Display(type)}: {inner.Message}";
        }

        IEnumerable<Type> parts = type.IsArray ? [type.GetElementType()!] : type.IsGenericType ? type.GetGenericArguments() : [];
        if (!ByPublicMembers(formatter) && OwnMembersOfACollection(type) is { } member)
        {
            return $"{TypeNames.Display(type)}: it is written as a collection of its items, so its own member '{member}' would be lost.";
        }

        if (ByPublicMembers(formatter))
        {
            if (LostData(type) is { } lost)
            {
                return $"{TypeNames.Display(type)}: {lost}";
            }

            parts = parts.Concat(SerialisedMembers(type).Select(m => m.Type));
        }

        foreach (var part in parts.Distinct())
        {
            if (Problem(part, depth + 1) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    // A user's class deriving from a collection (class Bag : List<int> { public string Name ... }) is written by the
    // collection formatter: items only.
    private static string? OwnMembersOfACollection(Type type) =>
        type.IsArray || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true || !typeof(System.Collections.IEnumerable).IsAssignableFrom(type)
            || type.IsDefined(typeof(MessagePack.MessagePackObjectAttribute)) || type.IsDefined(typeof(MessagePack.MessagePackFormatterAttribute)) || DataflowSerializer.HasUserFormatter(type)
            ? null
            : type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .FirstOrDefault(f => !typeof(Delegate).IsAssignableFrom(f.FieldType) && !f.IsDefined(typeof(NonSerializedAttribute)))?.Name is { } field
                ? field.StartsWith('<') ? field[1..field.IndexOf('>')] : field
                : null;

    // The contract-less resolver writes a type's public fields and readable public properties, and reads them back
    // through a constructor whose parameters match them by name, or through setters. Data anywhere else is dropped
    // without a word; attributed types, built-in and registered formatters are trusted.
    private static bool ByPublicMembers(object formatter) =>
        formatter.GetType().Assembly is { IsDynamic: true } assembly && assembly.GetName().Name!.Contains("Contractless", StringComparison.Ordinal);

    private static IEnumerable<(string Name, Type Type, bool Settable)> SerialisedMembers(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Instance)
            .Where(f => !f.IsDefined(typeof(MessagePack.IgnoreMemberAttribute)))
            .Select(f => (f.Name, f.FieldType, !f.IsInitOnly))
            .Concat(type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0 && !p.IsDefined(typeof(MessagePack.IgnoreMemberAttribute)))
                .Select(p => (p.Name, p.PropertyType, p.SetMethod is { IsPublic: true })));

    /// <summary>
    /// The first piece of a record's data that would not survive serialisation, or <c>null</c>. Data lives in fields:
    /// each must be a public field or the field of a public property that is read back (settable, or a parameter of
    /// the constructor used), or be named like such a member (<c>_total</c> behind <c>Total</c>), or be marked
    /// <c>[NonSerialized]</c> as derived. Computed properties hold nothing and are ignored.
    /// </summary>
    private static string? LostData(Type type)
    {
        var members = SerialisedMembers(type).ToList();
        var constructor = type.GetConstructors()
            .Select(c => c.GetParameters().Select(p => p.Name ?? "").ToList())
            .Where(names => names.All(n => members.Any(m => string.Equals(m.Name, n, StringComparison.OrdinalIgnoreCase))))
            .MaxBy(names => names.Count) ?? [];
        bool Restored(string name) => members.Any(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)
            && (m.Settable || constructor.Contains(m.Name, StringComparer.OrdinalIgnoreCase)));

        foreach (var (name, memberType, _) in members)
        {
            if (memberType == typeof(object))
            {
                return $"its member '{name}' is typed object: its value would come back as plain MessagePack data (numbers, strings, dictionaries), not as the type it had.";
            }

            if ((memberType.IsInterface || memberType.IsAbstract) && memberType.Namespace?.StartsWith("System", StringComparison.Ordinal) != true
                && !memberType.IsDefined(typeof(MessagePack.UnionAttribute)) && !DataflowSerializer.HasUserFormatter(memberType))
            {
                return $"its member '{name}' is of {(memberType.IsInterface ? "interface" : "abstract")} type {TypeNames.Display(memberType)}, which cannot be created when read back.";
            }
        }

        for (var declaring = type; declaring is not null && declaring != typeof(object) && declaring != typeof(ValueType); declaring = declaring.BaseType)
        {
            foreach (var field in declaring.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                // Events hold handlers, not data.
                if (field.IsDefined(typeof(NonSerializedAttribute)) || field.IsDefined(typeof(MessagePack.IgnoreMemberAttribute))
                    || typeof(Delegate).IsAssignableFrom(field.FieldType))
                {
                    continue;
                }

                // An auto-property's or anonymous type's field stands for its property ([IgnoreMember] on it: derived).
                var property = field.Name.StartsWith('<') ? field.Name[1..field.Name.IndexOf('>')] : null;
                if (property is not null && declaring.GetProperty(property, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    ?.IsDefined(typeof(MessagePack.IgnoreMemberAttribute)) == true)
                {
                    continue;
                }

                var name = property ?? (field.IsPublic ? field.Name : field.Name.TrimStart('_').Replace("m_", "", StringComparison.Ordinal));
                if (Restored(name))
                {
                    continue;
                }

                return property is not null
                    ? members.Any(m => m.Name == property)
                        ? $"its property '{property}' has no setter and no constructor parameter of that name, so it would be empty when read back (mark it [IgnoreMember] if it is derived from the others)."
                        : $"its non-public property '{property}' holds data that is not serialised."
                    : field.IsPublic
                        ? $"its read-only field '{field.Name}' has no constructor parameter of that name, so it would be empty when read back."
                        : $"its non-public field '{field.Name}' holds data that is not serialised (mark it [NonSerialized] if it is only derived from the public members).";
            }
        }

        return null;
    }
}

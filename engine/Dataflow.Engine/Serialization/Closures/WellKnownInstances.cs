using System.Collections.Concurrent;
using System.Globalization;
using Dataflow.Serialization.TypeSafety;

namespace Dataflow.Serialization.Closures;

/// <summary>
/// Singletons of the base library that closures commonly capture (string comparers, the invariant culture, the default
/// equality comparer and comparer of a type). They travel as a number and are re-bound to the worker's singleton:
/// their classes are internal to the runtime, and copying them would give an equal but distinct object.
/// </summary>
internal static class WellKnownInstances
{
    /// <summary>The id of <c>EqualityComparer&lt;X&gt;.Default</c>; the payload names X.</summary>
    public const int DefaultEqualityComparer = 100;

    /// <summary>The id of <c>Comparer&lt;X&gt;.Default</c>; the payload names X.</summary>
    public const int DefaultComparer = 101;

    // The position is the id: append only.
    private static readonly object[] s_fixed =
    [
        StringComparer.Ordinal, StringComparer.OrdinalIgnoreCase, StringComparer.InvariantCulture,
        StringComparer.InvariantCultureIgnoreCase, CultureInfo.InvariantCulture,
    ];

    private static readonly ConcurrentDictionary<Type, (int Id, Type? Argument)?> s_byType = new();

    /// <summary>Finds <paramref name="value"/>'s id (and, for the generic defaults, their type argument).</summary>
    public static bool TryGetId(object value, out int id, out Type? argument)
    {
        var type = value.GetType();
        id = -1;
        argument = null;
        if (!TypeAllowList.IsFrameworkAssembly(type.Assembly))
        {
            return false;
        }

        var index = Array.FindIndex(s_fixed, candidate => ReferenceEquals(candidate, value));
        if (index >= 0)
        {
            id = index;
            return true;
        }

        if (s_byType.GetOrAdd(type, static t => FindDefault(t)) is not { } found || !ReferenceEquals(Get(found.Id, found.Argument), value))
        {
            return false;
        }

        (id, argument) = found;
        return true;
    }

    /// <summary>The instance with <paramref name="id"/>.</summary>
    public static object Get(int id, Type? argument) => id switch
    {
        >= 0 when id < s_fixed.Length => s_fixed[id],
        DefaultEqualityComparer when argument is not null => typeof(EqualityComparer<>).MakeGenericType(argument).GetProperty("Default")!.GetValue(null)!,
        DefaultComparer when argument is not null => typeof(Comparer<>).MakeGenericType(argument).GetProperty("Default")!.GetValue(null)!,
        _ => throw new InvalidDataException($"Unknown well-known instance {id}."),
    };

    private static (int Id, Type? Argument)? FindDefault(Type type)
    {
        foreach (var face in type.GetInterfaces().Where(i => i.IsGenericType))
        {
            var definition = face.GetGenericTypeDefinition();
            var id = definition == typeof(IEqualityComparer<>) ? DefaultEqualityComparer : definition == typeof(IComparer<>) ? DefaultComparer : -1;
            if (id > 0)
            {
                var argument = face.GetGenericArguments()[0];
                if (Get(id, argument).GetType() == type)
                {
                    return (id, argument);
                }
            }
        }

        return null;
    }
}

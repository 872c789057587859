using System.Collections.Concurrent;
using System.Text;

namespace Dataflow.Serialization.TypeSafety;

/// <summary>
/// Type names as closures carry them (assembly-qualified with simple assembly names only, so a worker on another
/// patch release of the runtime resolves them) and as error messages show them (C#-like short names).
/// </summary>
internal static class TypeNames
{
    private static readonly ConcurrentDictionary<Type, string> s_wire = new();
    private static readonly ConcurrentDictionary<Type, string> s_display = new();

    /// <summary>An assembly-qualified name without versions, keys or cultures; parsed back by <see cref="TypeResolutionPolicy"/>.</summary>
    public static string Wire(Type type) => s_wire.GetOrAdd(type, static t => Build(t, withAssembly: true));

    /// <summary>A short C#-like name for messages: <c>List&lt;SqlConnection&gt;</c>, <c>int[]</c>.</summary>
    public static string Display(Type type) => s_display.GetOrAdd(type, static t => BuildDisplay(t));

    private static string Build(Type type, bool withAssembly)
    {
        if (type.IsPointer || type.IsByRef || type.IsGenericParameter || type.ContainsGenericParameters)
        {
            throw new NotSupportedException($"Type {type} cannot be named in a closure payload.");
        }

        var name = new StringBuilder();
        if (type.IsArray)
        {
            name.Append(Build(type.GetElementType()!, withAssembly: false));
            name.Append(type.IsSZArray ? "[]" : "[" + new string(',', type.GetArrayRank() - 1) + "]");
        }
        else if (type.IsConstructedGenericType)
        {
            name.Append(type.GetGenericTypeDefinition().FullName).Append('[');
            var arguments = type.GetGenericArguments();
            for (var i = 0; i < arguments.Length; i++)
            {
                name.Append(i == 0 ? "[" : ",[").Append(Build(arguments[i], withAssembly: true)).Append(']');
            }

            name.Append(']');
        }
        else
        {
            name.Append(type.FullName);
        }

        if (withAssembly)
        {
            name.Append(", ").Append(type.Assembly.GetName().Name);
        }

        return name.ToString();
    }

    private static string BuildDisplay(Type type)
    {
        if (type.IsArray)
        {
            return Display(type.GetElementType()!) + (type.IsSZArray ? "[]" : "[" + new string(',', type.GetArrayRank() - 1) + "]");
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Display(underlying) + "?";
        }

        var keyword = Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool",
            TypeCode.Int32 => "int",
            TypeCode.Int64 => "long",
            TypeCode.Double => "double",
            TypeCode.String => "string",
            TypeCode.Object when type == typeof(object) => "object",
            _ => null,
        };
        if (keyword is not null && !type.IsEnum)
        {
            return keyword;
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        if (!type.IsGenericType)
        {
            return name;
        }

        return name + "<" + string.Join(", ", type.GetGenericArguments().Select(Display)) + ">";
    }
}

using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Numerics;
using System.Reflection;
using System.Text.RegularExpressions;
using Dataflow.Serialization.Closures;

namespace Dataflow.Serialization.TypeSafety;

/// <summary>
/// Which types a shipped closure may name: plain data types of the base class library (primitives, strings,
/// <c>decimal</c>, dates and times, <c>Guid</c>, enums, and arrays, tuples, <c>KeyValuePair</c>s and the standard
/// collections of allowed types), the engine's own types (but not a <see cref="DataflowContext"/> or an RDD), the
/// types of the libraries the worker is built with (<see cref="AssemblyRoles"/>), the types of the job's assemblies, and types the user registered a formatter for with <see cref="DataflowSerializer"/>.
/// Anything else (<c>System.Diagnostics.Process</c>, <c>System.IO.FileInfo</c>, a type from an assembly the job did
/// not ship) is refused: deserialising it could run code the job never meant to run.
/// </summary>
internal sealed class TypeAllowList
{
    private static readonly HashSet<Type> s_plainTypes =
    [
        typeof(bool), typeof(char), typeof(sbyte), typeof(byte), typeof(short), typeof(ushort), typeof(int), typeof(uint),
        typeof(long), typeof(ulong), typeof(float), typeof(double), typeof(Half), typeof(decimal), typeof(string), typeof(object),
        typeof(DateTime), typeof(DateTimeOffset), typeof(DateOnly), typeof(TimeOnly), typeof(TimeSpan), typeof(Guid),
        typeof(BigInteger), typeof(Complex), typeof(Uri), typeof(Version), typeof(System.Text.StringBuilder),
        typeof(System.Collections.BitArray), typeof(ValueTuple),
        // Re-created, not copied, by the closure serialiser (RegexFormatter, LockFormatter).
        typeof(Regex), typeof(Lock),
        // Holders of pure static methods that method groups commonly name (rdd.Select(Math.Sqrt)).
        typeof(Math), typeof(MathF), typeof(Convert), typeof(Enumerable),
        // Non-generic delegate types.
        typeof(Action),
    ];

    private static readonly HashSet<Type> s_genericDefinitions =
    [
        typeof(Nullable<>), typeof(KeyValuePair<,>), typeof(ArraySegment<>), typeof(Memory<>), typeof(ReadOnlyMemory<>),
        typeof(List<>), typeof(LinkedList<>), typeof(Queue<>), typeof(Stack<>), typeof(HashSet<>), typeof(SortedSet<>),
        typeof(Dictionary<,>), typeof(SortedDictionary<,>), typeof(SortedList<,>), typeof(ReadOnlyCollection<>),
        typeof(ReadOnlyDictionary<,>), typeof(System.Collections.Concurrent.ConcurrentDictionary<,>),
        typeof(ConcurrentQueue<>), typeof(ConcurrentStack<>), typeof(ConcurrentBag<>),
        typeof(Tuple<>), typeof(Tuple<,>), typeof(Tuple<,,>), typeof(Tuple<,,,>), typeof(Tuple<,,,,>), typeof(Tuple<,,,,,>),
        typeof(Tuple<,,,,,,>), typeof(Tuple<,,,,,,,>),
        typeof(ValueTuple<>), typeof(ValueTuple<,>), typeof(ValueTuple<,,>), typeof(ValueTuple<,,,>), typeof(ValueTuple<,,,,>),
        typeof(ValueTuple<,,,,,>), typeof(ValueTuple<,,,,,,>), typeof(ValueTuple<,,,,,,,>),
        typeof(Predicate<>), typeof(Comparison<>), typeof(Converter<,>),
        .. ComparisonComparers.Definition is { } comparer ? [comparer] : Array.Empty<Type>(),
    ];

    private static readonly string s_engineAssembly = typeof(TypeAllowList).Assembly.GetName().Name!;
    private static readonly string? s_sharedFrameworkRoot = SharedFrameworkRoot();
    private static readonly ConcurrentDictionary<Assembly, bool> s_frameworkAssemblies = new();

    private readonly Func<Assembly, bool> _isJobAssembly;
    private readonly ConcurrentDictionary<Type, string?> _verdicts = new();

    /// <summary>Creates the list for a process whose job code is in the assemblies <paramref name="isJobAssembly"/> accepts.</summary>
    public TypeAllowList(Func<Assembly, bool> isJobAssembly) => _isJobAssembly = isJobAssembly;

    /// <summary>
    /// The driver's view: every loaded assembly whose role is <see cref="AssemblyRole.Job"/> (neither the runtime's, nor
    /// provided by the worker, nor driver-only) counts as the job's (it is shipped with the job), so that the checks at
    /// build time see what a worker will accept.
    /// </summary>
    public static TypeAllowList ForDriver { get; } = new(IsDriverJobAssembly);

    /// <summary>The names of the base-library assemblies that hold allowed types (resolved by name without loading anything else).</summary>
    public static IReadOnlySet<string> FrameworkAssemblyNames { get; } = s_plainTypes.Concat(s_genericDefinitions).Concat(DelegateDefinitions())
        .Select(t => t.Assembly.GetName().Name!).Append("System.Runtime").Append("System.Collections").ToHashSet(StringComparer.Ordinal);

    /// <summary>The engine's assembly name.</summary>
    public static string EngineAssemblyName => s_engineAssembly;

    /// <summary>Whether <paramref name="assembly"/> belongs to the job.</summary>
    public bool IsJobAssembly(Assembly assembly) => _isJobAssembly(assembly);

    /// <summary>Whether <paramref name="type"/> may be named in a payload; if not, <paramref name="reason"/> says why.</summary>
    public bool IsAllowed(Type type, out string reason)
    {
        reason = _verdicts.GetOrAdd(type, static (t, self) => self.Judge(t), this) ?? "";
        if (reason.Length > 0 && DataflowSerializer.HasUserFormatter(type))
        {
            // A registered formatter vouches for its type (checked here, not cached: registrations come and go).
            reason = "";
        }

        return reason.Length == 0;
    }

    /// <summary>Whether <paramref name="assembly"/> is part of the runtime (its types' internals differ between machines).</summary>
    public static bool IsFrameworkAssembly(Assembly assembly) => s_frameworkAssemblies.GetOrAdd(assembly, static a => JudgeAssembly(a));

    private static bool JudgeAssembly(Assembly assembly)
    {
        if (assembly == typeof(object).Assembly)
        {
            return true;
        }

        var name = assembly.GetName().Name ?? "";
        if (name is "mscorlib" or "netstandard" or "WindowsBase" or "Microsoft.CSharp" || name.StartsWith("System.", StringComparison.Ordinal) ||
            name.StartsWith("Microsoft.Win32.", StringComparison.Ordinal) || name.StartsWith("Microsoft.VisualBasic", StringComparison.Ordinal))
        {
            return true;
        }

        return !assembly.IsDynamic && s_sharedFrameworkRoot is not null && assembly.Location.Length > 0 &&
               assembly.Location.StartsWith(s_sharedFrameworkRoot, StringComparison.Ordinal);
    }

    private string? Judge(Type type)
    {
        if (type.IsArray)
        {
            return Inner(type.GetElementType()!);
        }

        if (type.IsPointer || type.IsByRef || type.IsGenericParameter || type.IsCOMObject)
        {
            return "pointers, references and open generic types cannot be shipped";
        }

        if (type.IsConstructedGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            if (Judge(definition) is { } refused)
            {
                return refused;
            }

            // A base-library container's elements are deserialised, so they must be allowed; the job's and the engine's
            // generic types (a closure class over a record type) are written field by field, each field checked on its
            // own, so their type arguments need only be nameable.
            var strict = IsFrameworkAssembly(definition.Assembly);
            foreach (var argument in type.GetGenericArguments())
            {
                if ((strict ? Inner(argument) : NameProblem(argument)) is { } bad)
                {
                    return bad;
                }
            }

            return null;
        }

        var assembly = type.Assembly;
        switch (AssemblyRoles.Of(assembly))
        {
            case AssemblyRole.Engine:
                // RDD types are named by task binaries; RddReferenceFormatter reads them nowhere else.
                return typeof(DataflowContext).IsAssignableFrom(type)
                    ? $"{type.FullName} lives only on the driver"
                    : null;
            case AssemblyRole.WorkerLibrary:
                // Our libraries and the third-party ones the worker is built with: trusted as the engine is.
                return null;
            case AssemblyRole.DriverOnly:
                return DriverOnly(type);
        }

        if (!IsFrameworkAssembly(assembly) && _isJobAssembly(assembly))
        {
            return null;
        }

        if (IsFrameworkAssembly(assembly))
        {
            // Interfaces and enums carry no behaviour of their own: naming one (as a generic argument, say) is harmless.
            return s_plainTypes.Contains(type) || s_genericDefinitions.Contains(type) || IsDelegateDefinition(type) || type.IsInterface || type.IsEnum
                ? null
                : $"{type.FullName} ({assembly.GetName().Name}) is not on the allow-list of plain data types";
        }

        return $"{type.FullName} is from assembly {assembly.GetName().Name}, which is not one of the job's assemblies";
    }

    private string? Inner(Type type) => IsAllowed(type, out var reason) ? null : reason;

    /// <summary>
    /// Whether <paramref name="type"/> may be named where nothing is instantiated from it: a delegate's parameter types,
    /// a generic method's type arguments. Any type of the job's, the engine's or the base library's assemblies is.
    /// </summary>
    public bool IsNameable(Type type, out string reason)
    {
        reason = NameProblem(type) ?? "";
        return reason.Length == 0;
    }

    private string? NameProblem(Type type)
    {
        if (type.IsArray || type.IsPointer || type.IsByRef)
        {
            return type.IsArray ? NameProblem(type.GetElementType()!) : "pointers and references cannot be shipped";
        }

        if (type.IsGenericParameter)
        {
            return "open generic types cannot be shipped";
        }

        if (type.IsConstructedGenericType)
        {
            return NameProblem(type.GetGenericTypeDefinition()) ?? type.GetGenericArguments().Select(NameProblem).FirstOrDefault(p => p is not null);
        }

        var assembly = type.Assembly;
        if (AssemblyRoles.Of(assembly) == AssemblyRole.DriverOnly)
        {
            return DriverOnly(type);
        }

        return IsFrameworkAssembly(assembly) || AssemblyRoles.IsProvidedByWorker(assembly) || _isJobAssembly(assembly)
            ? null
            : $"{type.FullName} is from assembly {assembly.GetName().Name}, which is not one of the job's assemblies";
    }

    private static string DriverOnly(Type type) =>
        $"{type.FullName} is from assembly {type.Assembly.GetName().Name}, which runs only on the driver and never travels to workers";

    private static bool IsDelegateDefinition(Type type) =>
        type.Namespace == "System" && (type.Name.StartsWith("Func`", StringComparison.Ordinal) || type.Name.StartsWith("Action`", StringComparison.Ordinal)) &&
        typeof(Delegate).IsAssignableFrom(type);

    private static IEnumerable<Type> DelegateDefinitions() => [typeof(Func<>), typeof(Action<>)];

    private static bool IsDriverJobAssembly(Assembly assembly) => !assembly.IsDynamic && AssemblyRoles.Of(assembly) == AssemblyRole.Job;

    private static string? SharedFrameworkRoot()
    {
        // <dotnet>/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll: everything under <dotnet>/shared is the runtime.
        var location = typeof(object).Assembly.Location;
        var root = location.Length == 0 ? null : Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(location)));
        return root is null ? null : root + Path.DirectorySeparatorChar;
    }
}

using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization;

/// <summary>
/// Where you teach the engine to serialise your own types. Records crossing a shuffle, a spill or a process use
/// MessagePack's contract-less resolver (public fields and properties); functions shipped to workers copy every field.
/// When that is not what a type needs (private state rebuilt through a constructor, a third-party type, a compact
/// wire form), register a MessagePack formatter for it, or a resolver for a family of types. Both the record
/// serializer and the closure serializer consult the registrations first, newest first, and a type with a registered
/// formatter is allowed in shipped closures.
/// </summary>
/// <remarks>
/// Register at start-up, before building jobs: formatters are looked up once per type and then cached. Registrations
/// are process-wide. On a cluster, every worker must make the same registrations; so a registered formatter or resolver
/// should be a type of your job's assemblies with a public parameterless constructor, which the engine can create again
/// on each worker. A type annotated with MessagePack's <c>[MessagePackFormatter(typeof(...))]</c> needs no registration.
/// </remarks>
/// <example><code>
/// DataflowSerializer.RegisterFormatter(new TemperatureFormatter());
/// var hot = readings.Where(r => r.Temperature > limit);   // limit is a Temperature
/// </code></example>
public static class DataflowSerializer
{
    private static readonly Lock s_lock = new();
    private static volatile UserFormatterResolver? s_resolver;
    private static int s_version;

    /// <summary>Uses <paramref name="formatter"/> for values of type <typeparamref name="T"/>, in records and closures.</summary>
    public static void RegisterFormatter<T>(IMessagePackFormatter<T> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (s_lock)
        {
            s_resolver = (s_resolver ?? UserFormatterResolver.Empty).With(typeof(T), formatter);
            Interlocked.Increment(ref s_version);
        }
    }

    /// <summary>Asks <paramref name="resolver"/> (before earlier registrations and the engine's defaults) for every type it serves.</summary>
    public static void RegisterResolver(IFormatterResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        lock (s_lock)
        {
            s_resolver = (s_resolver ?? UserFormatterResolver.Empty).With(resolver);
            Interlocked.Increment(ref s_version);
        }
    }

    /// <summary>Changes with every registration, so serializers rebuild their options.</summary>
    internal static int Version => Volatile.Read(ref s_version);

    /// <summary>The registrations as one resolver, or <c>null</c> when there are none.</summary>
    internal static IFormatterResolver? UserResolver => s_resolver;

    /// <summary>The registered formatters and resolvers, oldest first (what a worker must re-create).</summary>
    internal static IReadOnlyList<object> Registrations => s_resolver?.Registrations ?? [];

    /// <summary>Whether a registration serves <paramref name="type"/>.</summary>
    internal static bool HasUserFormatter(Type type) =>
        s_resolver is { } user && !type.ContainsGenericParameters && !type.IsByRef && !type.IsPointer && user.GetFormatterDynamic(type) is not null;

    /// <summary><paramref name="defaults"/> behind the registrations.</summary>
    internal static IFormatterResolver Behind(IFormatterResolver defaults) =>
        s_resolver is { } user ? MessagePack.Resolvers.CompositeResolver.Create(user, defaults) : defaults;
}

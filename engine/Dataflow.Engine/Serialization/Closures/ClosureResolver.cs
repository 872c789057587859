using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Dataflow.Broadcasting;
using Dataflow.Serialization.Records;
using Dataflow.Serialization.TypeSafety;
using Dataflow.Serialization.Wire;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Dataflow.Serialization.Closures;

/// <summary>
/// Chooses the formatter for each type inside a closure. Both instances (see <see cref="Current"/>) first ask the user's
/// registrations (<see cref="DataflowSerializer"/>), then <c>[MessagePackFormatter]</c> attributes. The polymorphic one
/// (the options' resolver, asked for declared types) then returns a <see cref="PolymorphicFormatter{T}"/> for any type
/// whose values may be of another runtime type (<c>object</c>, interfaces, abstract and unsealed classes), which writes
/// the runtime type's name and hands the value to the concrete one. For an exact type, in order: delegates
/// (<see cref="DelegateFormatter{T}"/>, so nested closures travel the same way); comparers from
/// <see cref="Comparer{T}.Create"/>; <see cref="Broadcast{T}"/> (travels as its id); objects re-created rather than
/// copied (<see cref="Regex"/>, <see cref="Lock"/>, a bare <c>object</c>); refusals (RDDs, <see cref="DeniedTypes"/>,
/// reflection objects); enums; MessagePack's built-in and collection formatters, for base-library types only; and,
/// for the job's and the engine's own classes and structs, <see cref="FieldwiseFormatter{T}"/>, which copies every
/// field, private ones included, without running a constructor. Any other base-library type is refused: its private
/// layout is not ours to copy.
/// </summary>
internal sealed class ClosureResolver : IFormatterResolver
{
    private static volatile Snapshot s_current = new(Polymorphic(null), 0);

    private readonly ConcurrentDictionary<Type, object?> _formatters = new();
    private readonly IFormatterResolver? _user;
    private readonly ClosureResolver? _concrete;

    private ClosureResolver(IFormatterResolver? user, ClosureResolver? concrete)
    {
        _user = user;
        _concrete = concrete;
    }

    /// <summary>The polymorphic resolver for the current registrations, and their version.</summary>
    public static (ClosureResolver Resolver, int Version) Current
    {
        get
        {
            // Read the version before the registrations, so a snapshot is never older than the version it claims.
            var version = DataflowSerializer.Version;
            var current = s_current;
            if (current.Version != version)
            {
                s_current = current = new Snapshot(Polymorphic(DataflowSerializer.UserResolver), version);
            }

            return (current.Resolver, current.Version);
        }
    }

    /// <inheritdoc />
    public IMessagePackFormatter<T>? GetFormatter<T>() =>
        (IMessagePackFormatter<T>?)_formatters.GetOrAdd(typeof(T), static (type, self) => self.Create(type), this);

    /// <summary>Whether a value of declared type <paramref name="type"/> may be of another runtime type.</summary>
    public static bool IsPolymorphic(Type type) => !type.IsValueType && !type.IsSealed;

    private static ClosureResolver Polymorphic(IFormatterResolver? user) => new(user, new ClosureResolver(user, null));

    private object? Create(Type type)
    {
        if (_user?.GetFormatterDynamic(type) is { } user)
        {
            return user;
        }

        if (AttributeFormatterResolver.Instance.GetFormatterDynamic(type) is { } attributed)
        {
            return attributed;
        }

        if (_concrete is not null && IsPolymorphic(type))
        {
            return Instantiate(typeof(PolymorphicFormatter<>), type, _concrete);
        }

        return CreateExact(type);
    }

    private static object? CreateExact(Type type)
    {
        if (typeof(Delegate).IsAssignableFrom(type))
        {
            return Instantiate(typeof(DelegateFormatter<>), type);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Broadcast<>))
        {
            return Instantiate(typeof(BroadcastFormatter<>), type.GetGenericArguments()[0]);
        }

        if (ComparisonComparers.Handles(type))
        {
            return Activator.CreateInstance(typeof(ComparisonComparerFormatter<,>).MakeGenericType(type, type.GetGenericArguments()[0]));
        }

        if (type == typeof(Regex))
        {
            return new RegexFormatter();
        }

        if (type == typeof(Lock) || type == typeof(object))
        {
            return Instantiate(typeof(FreshInstanceFormatter<>), type);
        }

        if (typeof(RddBase).IsAssignableFrom(type))
        {
            // Refused in closures; a number in a task binary's RDD table (see RddTable).
            return Instantiate(typeof(RddReferenceFormatter<>), type);
        }

        if (type == typeof(DataflowContext))
        {
            return Instantiate(typeof(DriverOnlyFormatter<>), type, DeniedTypes.HintFor(type)!);
        }

        if (DeniedTypes.HintFor(type) is { } hint)
        {
            return Refuse(type, hint);
        }

        if (typeof(Type).IsAssignableFrom(type) || typeof(System.Reflection.MemberInfo).IsAssignableFrom(type))
        {
            return Refuse(type, "a Type or MethodInfo would be resolved without the job's type policy");
        }

        if (type.IsEnum)
        {
            return Instantiate(typeof(GenericEnumFormatter<>), type);
        }

        if (type.IsArray)
        {
            // An array's Assembly is its element type's; the elements go through this resolver.
            return BuiltinResolver.Instance.GetFormatterDynamic(type) ?? DynamicGenericResolver.Instance.GetFormatterDynamic(type);
        }

        if (TypeAllowList.IsFrameworkAssembly(type.Assembly))
        {
            // Only base-library types here: the generic resolver would also claim a user's ICollection<T>
            // implementation and silently drop its other fields. A Lazy<T> is written only inside task binaries (LazyFormatter).
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Lazy<>))
            {
                return Instantiate(typeof(LazyFormatter<>), type.GetGenericArguments()[0]);
            }

            var formatter = BuiltinResolver.Instance.GetFormatterDynamic(type) ?? DynamicGenericResolver.Instance.GetFormatterDynamic(type);
            return formatter ?? Refuse(type, "it is a base-library type without a serialiser; capture plain data instead");
        }

        return FieldwiseLayout.For(type).Problem is { } problem ? Refuse(type, problem) : Instantiate(typeof(FieldwiseFormatter<>), type);
    }

    private sealed record Snapshot(ClosureResolver Resolver, int Version);

    private static object Refuse(Type type, string reason) => Instantiate(typeof(RefusingFormatter<>), type, reason);

    private static object Instantiate(Type generic, Type argument, params object[] arguments) =>
        Activator.CreateInstance(generic.MakeGenericType(argument), arguments)!;
}

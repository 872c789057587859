using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using MessagePack;
using MessagePack.Resolvers;

namespace Dataflow.Partitioning;

/// <summary>
/// Chooses the hasher for a type once (reflection here runs once per type, never per value); see
/// <see cref="StableHash"/> for what each kind of value hashes to.
/// </summary>
internal static class StableHashFactory
{
    private static readonly ConcurrentDictionary<Type, Func<object, int>> s_byRuntimeType = new();

    private static readonly Dictionary<Type, string> s_tuples = new()
    {
        [typeof(ValueTuple<>)] = nameof(Tuple1),
        [typeof(ValueTuple<,>)] = nameof(Tuple2),
        [typeof(ValueTuple<,,>)] = nameof(Tuple3),
        [typeof(ValueTuple<,,,>)] = nameof(Tuple4),
        [typeof(ValueTuple<,,,,>)] = nameof(Tuple5),
        [typeof(ValueTuple<,,,,,>)] = nameof(Tuple6),
        [typeof(ValueTuple<,,,,,,>)] = nameof(Tuple7),
        [typeof(ValueTuple<,,,,,,,>)] = nameof(Tuple8),
        [typeof(KeyValuePair<,>)] = nameof(Pair),
    };

    public static Func<T, int> Create<T>()
    {
        var type = typeof(T);
        var hasher = Primitive(type) ?? Composite(type);
        if (hasher is not null)
        {
            return (Func<T, int>)(object)hasher;
        }

        // A base class or interface may hold any runtime type; hash by that so boxing does not change the hash.
        return type.IsValueType || type.IsSealed ? Serialized : ByRuntimeType;
    }

    private static Delegate? Primitive(Type t) => t switch
    {
        _ when t == typeof(string) => (Func<string?, int>)(v => v is null ? 0 : StableHash.String(v)),
        _ when t == typeof(bool) => (Func<bool, int>)(v => StableHash.Int64(v ? 1 : 0)),
        _ when t == typeof(char) => (Func<char, int>)(v => StableHash.Int64(v)),
        _ when t == typeof(sbyte) => (Func<sbyte, int>)(v => StableHash.Int64(v)),
        _ when t == typeof(byte) => (Func<byte, int>)(v => StableHash.Int64(v)),
        _ when t == typeof(short) => (Func<short, int>)(v => StableHash.Int64(v)),
        _ when t == typeof(ushort) => (Func<ushort, int>)(v => StableHash.Int64(v)),
        _ when t == typeof(int) => (Func<int, int>)(v => StableHash.Int64(v)),
        _ when t == typeof(uint) => (Func<uint, int>)(v => StableHash.Int64(v)),
        _ when t == typeof(long) => (Func<long, int>)StableHash.Int64,
        _ when t == typeof(ulong) => (Func<ulong, int>)(v => StableHash.Int64(unchecked((long)v))),
        _ when t == typeof(nint) => (Func<nint, int>)(v => StableHash.Int64(v)),
        _ when t == typeof(nuint) => (Func<nuint, int>)(v => StableHash.Int64(unchecked((long)(ulong)v))),
        _ when t == typeof(Half) => (Func<Half, int>)(v => StableHash.Double((double)v)),
        _ when t == typeof(float) => (Func<float, int>)(v => StableHash.Double(v)),
        _ when t == typeof(double) => (Func<double, int>)StableHash.Double,
        _ when t == typeof(decimal) => (Func<decimal, int>)StableHash.Decimal,
        _ when t == typeof(Guid) => (Func<Guid, int>)StableHash.Guid,
        _ when t == typeof(DateTime) => (Func<DateTime, int>)(v => StableHash.Int64(v.Ticks)),
        _ when t == typeof(DateTimeOffset) => (Func<DateTimeOffset, int>)(v => StableHash.Int64(v.UtcTicks)),
        _ when t == typeof(DateOnly) => (Func<DateOnly, int>)(v => StableHash.Int64(v.DayNumber)),
        _ when t == typeof(TimeOnly) => (Func<TimeOnly, int>)(v => StableHash.Int64(v.Ticks)),
        _ when t == typeof(TimeSpan) => (Func<TimeSpan, int>)(v => StableHash.Int64(v.Ticks)),
        _ when t == typeof(byte[]) => (Func<byte[]?, int>)(v => v is null ? 0 : StableHash.Bytes(v)),
        _ when t == typeof(ReadOnlyMemory<byte>) => (Func<ReadOnlyMemory<byte>, int>)(v => StableHash.Bytes(v.Span)),
        _ when t == typeof(Memory<byte>) => (Func<Memory<byte>, int>)(v => StableHash.Bytes(v.Span)),
        _ => null,
    };

    private static Delegate? Composite(Type t)
    {
        if (t.IsEnum)
        {
            var unsigned = Type.GetTypeCode(Enum.GetUnderlyingType(t)) is TypeCode.Byte or TypeCode.UInt16
                or TypeCode.UInt32 or TypeCode.UInt64 or TypeCode.Char or TypeCode.Boolean;
            return Method(unsigned ? nameof(UnsignedEnum) : nameof(SignedEnum), t);
        }

        if (t.IsGenericType && Nullable.GetUnderlyingType(t) is { } underlying)
        {
            return Method(nameof(NullableValue), underlying);
        }

        if (typeof(IStableHashable).IsAssignableFrom(t))
        {
            return t.IsValueType
                ? Method(nameof(HashableValue), t)
                : (Func<IStableHashable?, int>)(v => v is null ? 0 : v.GetStableHashCode());
        }

        return t.IsGenericType && s_tuples.TryGetValue(t.GetGenericTypeDefinition(), out var name)
            ? Method(name, t.GetGenericArguments())
            : null;
    }

    private static Delegate Method(string name, params Type[] typeArguments)
    {
        var method = typeof(StableHashFactory).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(typeArguments);
        return method.CreateDelegate(typeof(Func<,>).MakeGenericType(method.GetParameters()[0].ParameterType, typeof(int)));
    }

    private static int ByRuntimeType<T>(T value)
    {
        if (value is null)
        {
            return 0;
        }

        var runtimeType = value.GetType();
        return runtimeType == typeof(T)
            ? Serialized(value)
            : s_byRuntimeType.GetOrAdd(runtimeType, static type => (Func<object, int>)Method(nameof(Boxed), type))(value);
    }

    private static int Boxed<TRuntime>(object value) => StableHash.Of((TRuntime)value);

    private static int Serialized<T>(T value)
    {
        if (value is null)
        {
            return 0;
        }

        try
        {
            return StableHash.Bytes(MessagePackSerializer.Serialize(value, ContractlessStandardResolver.Options));
        }
        catch (MessagePackSerializationException e)
        {
            throw new NotSupportedException(
                $"StableHash cannot hash {typeof(T)}: MessagePack cannot serialize it ({e.Message}). Implement IStableHashable on it.", e);
        }
    }

    private static int SignedEnum<TEnum>(TEnum v)
        where TEnum : struct, Enum => StableHash.Int64(Unsafe.SizeOf<TEnum>() switch
        {
            1 => Unsafe.As<TEnum, sbyte>(ref v),
            2 => Unsafe.As<TEnum, short>(ref v),
            4 => Unsafe.As<TEnum, int>(ref v),
            _ => Unsafe.As<TEnum, long>(ref v),
        });

    private static int UnsignedEnum<TEnum>(TEnum v)
        where TEnum : struct, Enum => StableHash.Int64(Unsafe.SizeOf<TEnum>() switch
        {
            1 => Unsafe.As<TEnum, byte>(ref v),
            2 => Unsafe.As<TEnum, ushort>(ref v),
            4 => Unsafe.As<TEnum, uint>(ref v),
            _ => unchecked((long)Unsafe.As<TEnum, ulong>(ref v)),
        });

    private static int NullableValue<TValue>(TValue? v)
        where TValue : struct => v.HasValue ? StableHash.Of(v.GetValueOrDefault()) : 0;

    private static int HashableValue<THashable>(THashable v)
        where THashable : struct, IStableHashable => v.GetStableHashCode();

    private static int Pair<TKey, TValue>(KeyValuePair<TKey, TValue> v) =>
        StableHash.Combine(StableHash.Of(v.Key), StableHash.Of(v.Value));

    private static uint S<TItem>(uint hash, TItem item) => StableHash.Step(hash, StableHash.Of(item));

    private static int Tuple1<T1>(ValueTuple<T1> v) => StableHash.Finish(S(StableHash.Start, v.Item1));

    private static int Tuple2<T1, T2>((T1, T2) v) => StableHash.Finish(S(S(StableHash.Start, v.Item1), v.Item2));

    private static int Tuple3<T1, T2, T3>((T1, T2, T3) v) =>
        StableHash.Finish(S(S(S(StableHash.Start, v.Item1), v.Item2), v.Item3));

    private static int Tuple4<T1, T2, T3, T4>((T1, T2, T3, T4) v) =>
        StableHash.Finish(S(S(S(S(StableHash.Start, v.Item1), v.Item2), v.Item3), v.Item4));

    private static int Tuple5<T1, T2, T3, T4, T5>((T1, T2, T3, T4, T5) v) =>
        StableHash.Finish(S(S(S(S(S(StableHash.Start, v.Item1), v.Item2), v.Item3), v.Item4), v.Item5));

    private static int Tuple6<T1, T2, T3, T4, T5, T6>((T1, T2, T3, T4, T5, T6) v) =>
        StableHash.Finish(S(S(S(S(S(S(StableHash.Start, v.Item1), v.Item2), v.Item3), v.Item4), v.Item5), v.Item6));

    private static int Tuple7<T1, T2, T3, T4, T5, T6, T7>((T1, T2, T3, T4, T5, T6, T7) v) =>
        StableHash.Finish(S(S(S(S(S(S(S(StableHash.Start, v.Item1), v.Item2), v.Item3), v.Item4), v.Item5), v.Item6), v.Item7));

    // Arity 8+ nests the rest as its own tuple, as ValueTuple itself does.
    private static int Tuple8<T1, T2, T3, T4, T5, T6, T7, TRest>(ValueTuple<T1, T2, T3, T4, T5, T6, T7, TRest> v)
        where TRest : struct =>
        StableHash.Finish(S(S(S(S(S(S(S(S(StableHash.Start, v.Item1), v.Item2), v.Item3), v.Item4), v.Item5), v.Item6), v.Item7), v.Rest));
}

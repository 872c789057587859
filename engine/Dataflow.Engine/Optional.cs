using Dataflow.Serialization.Records;
using MessagePack;

namespace Dataflow;

/// <summary>
/// A value that may be missing: the side of an outer join that had no match. A struct rather than <c>T?</c> because
/// <c>T?</c> on an unconstrained generic means nothing for value types (an <c>int</c> column could not say "missing"
/// apart from <c>0</c>). Serialises as <c>[hasValue, value]</c>.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
/// <example><code>
/// var withNames = orders.LeftOuterJoin(names); // (id, (order, Optional&lt;string&gt; name))
/// var labelled = withNames.Values().Select(v => v.Right.GetValueOrDefault("unknown"));
/// </code></example>
/// <remarks>Spark: Option (Some / None)</remarks>
[MessagePackFormatter(typeof(OptionalFormatter<>))]
public readonly struct Optional<T> : IEquatable<Optional<T>>
{
    private readonly T _value;

    /// <summary>An optional holding <paramref name="value"/> (which may itself be <c>null</c>).</summary>
    public Optional(T value)
    {
        _value = value;
        HasValue = true;
    }

    /// <summary>The missing value (also <c>default</c>).</summary>
    public static Optional<T> None => default;

    /// <summary>Whether there is a value.</summary>
    public bool HasValue { get; }

    /// <summary>The value; throws <see cref="InvalidOperationException"/> when there is none, as <see cref="Nullable{T}.Value"/> does.</summary>
    public T Value => HasValue ? _value : throw new InvalidOperationException("The optional has no value (the outer join found no match).");

    /// <summary>The value, or <paramref name="defaultValue"/> when there is none.</summary>
    public T GetValueOrDefault(T defaultValue) => HasValue ? _value : defaultValue;

    /// <summary>Whether two optionals are both missing, or both hold equal values.</summary>
    public static bool operator ==(Optional<T> left, Optional<T> right) => left.Equals(right);

    /// <summary>Whether two optionals differ.</summary>
    public static bool operator !=(Optional<T> left, Optional<T> right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(Optional<T> other) =>
        HasValue == other.HasValue && (!HasValue || EqualityComparer<T>.Default.Equals(_value, other._value));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Optional<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HasValue ? HashCode.Combine(true, _value) : 0;

    /// <summary><c>Some(value)</c> or <c>None</c>, as Spark prints options.</summary>
    public override string ToString() => HasValue ? $"Some({_value})" : "None";
}

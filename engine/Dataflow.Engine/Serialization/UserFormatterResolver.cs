using System.Collections.Concurrent;
using System.Collections.Immutable;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization;

/// <summary>An immutable snapshot of the <see cref="DataflowSerializer"/> registrations, answering newest first.</summary>
internal sealed class UserFormatterResolver : IFormatterResolver
{
    private readonly ImmutableList<object> _registrations;
    private readonly ConcurrentDictionary<Type, object?> _cache = new();

    private UserFormatterResolver(ImmutableList<object> registrations) => _registrations = registrations;

    public static UserFormatterResolver Empty { get; } = new([]);

    /// <summary>Formatters (with their type) and resolvers, oldest first.</summary>
    public IReadOnlyList<object> Registrations => [.. _registrations.Select(r => r is KeyValuePair<Type, object> pair ? pair.Value : r)];

    public UserFormatterResolver With(Type type, object formatter) => new(_registrations.Add(new KeyValuePair<Type, object>(type, formatter)));

    public UserFormatterResolver With(IFormatterResolver resolver) => new(_registrations.Add(resolver));

    public IMessagePackFormatter<T>? GetFormatter<T>() =>
        (IMessagePackFormatter<T>?)_cache.GetOrAdd(typeof(T), static (type, self) => self.Find<T>(), this);

    private object? Find<T>()
    {
        for (var i = _registrations.Count - 1; i >= 0; i--)
        {
            switch (_registrations[i])
            {
                case KeyValuePair<Type, object> pair when pair.Key == typeof(T):
                    return pair.Value;
                case IFormatterResolver resolver when resolver.GetFormatter<T>() is { } formatter:
                    return formatter;
            }
        }

        return null;
    }
}

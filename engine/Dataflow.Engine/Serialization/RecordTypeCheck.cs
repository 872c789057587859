using System.Collections.Concurrent;
using System.Reflection;

namespace Dataflow.Serialization;

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
                "Make the type public, with public properties that are settable or set by a matching constructor, or register a formatter " +
                "with Dataflow.Serialization.DataflowSerializer.RegisterFormatter.");
        }
    }

    private static string? Problem(Type type, int depth) => depth > MaxDepth ? null : s_verdicts.GetOrAdd(type, t => Check(t, depth));

    private static string? Check(Type type, int depth)
    {
        try
        {
            s_formatter.MakeGenericMethod(type).Invoke(null, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            var inner = e.InnerException is TypeInitializationException { InnerException: { } cause } ? cause : e.InnerException;
            return $"{TypeNames.Display(type)}: {inner.Message}";
        }

        var parts = type.IsArray ? [type.GetElementType()!] : type.IsGenericType ? type.GetGenericArguments() : [];
        foreach (var part in parts)
        {
            if (Problem(part, depth + 1) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }
}

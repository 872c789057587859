using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Dataflow.Serialization.Closures;

/// <summary>
/// Leaves out of a closure the captured variables its function never touches. C# puts every captured variable of a
/// scope into one closure object shared by all the lambdas of that scope, so <c>x =&gt; x * factor</c> also holds
/// <c>ctx</c> when another lambda in the same method uses <c>ctx</c>; shipping (or rejecting) that would be wrong.
/// As Spark's ClosureCleaner does, the function's IL (and that of the lambdas and local functions it reaches on
/// closure classes) is scanned for the closure fields it loads or stores, and a shallow copy of the closure holding
/// only those is used instead; the state machines of <c>async</c> lambdas and iterator local functions are followed
/// too. When the analysis is not sure (no IL, an unresolvable token), nothing is left out.
/// </summary>
internal static class ClosureCleaner
{
    private static readonly ConcurrentDictionary<MethodInfo, HashSet<(Module, int)>?> s_used = new();
    private static readonly Dictionary<short, OperandType> s_operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>The function's target, or a copy of it without the captured variables the function does not use.</summary>
    public static object? Target(Delegate function)
    {
        var target = function.Target;
        if (target is null || !IsClosureClass(target.GetType()) || s_used.GetOrAdd(function.Method, UsedFields) is not { } used)
        {
            return target;
        }

        var pruned = Prune(target, used, out var dropped);
        return dropped ? pruned : target;
    }

    private static object Prune(object closure, HashSet<(Module, int)> used, out bool dropped)
    {
        dropped = false;
        var type = closure.GetType();
        var copy = RuntimeHelpers.GetUninitializedObject(type);
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (!used.Contains((field.Module, field.MetadataToken)))
            {
                dropped = true;
                continue;
            }

            var value = field.GetValue(closure);
            if (value is not null && IsClosureClass(field.FieldType))
            {
                // The link to an enclosing scope's closure: prune that one too (scopes nest only as deep as the source).
                value = Prune(value, used, out var droppedThere);
                dropped |= droppedThere;
            }

            field.SetValue(copy, value);
        }

        return copy;
    }

    /// <summary>The closure fields <paramref name="root"/> and what it reaches use, or <c>null</c> when unsure.</summary>
    private static HashSet<(Module, int)>? UsedFields(MethodInfo root)
    {
        var used = new HashSet<(Module, int)>();
        var visited = new HashSet<MethodBase> { root };
        var pending = new Stack<MethodBase>();
        pending.Push(root);
        try
        {
            while (pending.TryPop(out var method))
            {
                if (method.GetMethodBody()?.GetILAsByteArray() is not { } il)
                {
                    return null;
                }

                var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
                var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
                for (var offset = 0; offset < il.Length;)
                {
                    var code = il[offset] == 0xFE ? (short)(0xFE00 | il[offset + 1]) : il[offset];
                    offset += il[offset] == 0xFE ? 2 : 1;
                    var operand = s_operands[code];
                    if (operand is OperandType.InlineField)
                    {
                        var field = method.Module.ResolveField(BitConverter.ToInt32(il, offset), typeArguments, methodArguments)!;
                        if (IsClosureClass(field.DeclaringType!))
                        {
                            used.Add((field.Module, field.MetadataToken));
                        }
                        else if (IsStateMachine(field.DeclaringType!))
                        {
                            // An async lambda or iterator copies the closure into its state machine and uses it there.
                            foreach (var next in field.DeclaringType!.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                            {
                                if (visited.Add(next))
                                {
                                    pending.Push(next);
                                }
                            }
                        }
                    }
                    else if (operand is OperandType.InlineMethod)
                    {
                        var callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, offset), typeArguments, methodArguments)!;
                        if ((IsClosureClass(callee.DeclaringType!) || callee.Name.Contains(">g__", StringComparison.Ordinal)) && visited.Add(callee))
                        {
                            pending.Push(callee);
                        }
                    }

                    offset += OperandSize(operand, il, offset);
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or BadImageFormatException or MissingMemberException or KeyNotFoundException or IndexOutOfRangeException)
        {
            return null;
        }

        return used;
    }

    private static int OperandSize(OperandType operand, byte[] il, int offset) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, offset)),
        _ => 4,
    };

    private static bool IsClosureClass(Type type) => type.Name.StartsWith("<>c", StringComparison.Ordinal) && IsCompilerGenerated(type);

    private static bool IsCompilerGenerated(Type type) => type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);

    // State machines of iterators and async methods carry no [CompilerGenerated]; their unspeakable names give them away.
    private static bool IsStateMachine(Type type) => type.Name.StartsWith('<') &&
        (typeof(IAsyncStateMachine).IsAssignableFrom(type) || typeof(System.Collections.IEnumerator).IsAssignableFrom(type));
}

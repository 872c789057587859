using System.Collections.Concurrent;
using System.Reflection;
using Dataflow.Serialization.Records;
using Dataflow.Serialization.TypeSafety;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization.Closures;

/// <summary>
/// A delegate travels as a method reference plus its target: <c>[delegate type, declaring type, metadata token,
/// method name, [generic arguments], target]</c>. The delegate type and the method's generic arguments only name types
/// (nothing is instantiated from them), so they are resolved with <see cref="TypeResolutionPolicy.ResolveSignature"/>. The target (a closure class instance, a captured <c>this</c>, the
/// bound first argument of an extension-method group, or <c>nil</c> for a static method) is written polymorphically,
/// so delegates captured by it (the user's selector inside an engine operator's closure) travel the same way.
/// The reader resolves every name through the <see cref="TypeResolutionPolicy"/>, finds the method by token (and checks
/// its name, to catch a driver and worker built from different sources) and calls <see cref="MethodInfo.CreateDelegate(Type, object?)"/>.
/// </summary>
internal sealed class DelegateFormatter<T> : IMessagePackFormatter<T>
    where T : Delegate
{
    private const int Elements = 6;
    private static readonly ConcurrentDictionary<(Type, int), MethodInfo?> s_methods = new();

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        if (value.HasSingleTarget is false)
        {
            throw new NotSupportedException("a multicast delegate (several functions combined with +) cannot be sent to workers; pass one function");
        }

        var method = value.Method;
        if (ShippingProblem(method) is { } problem)
        {
            throw new NotSupportedException(problem);
        }

        writer.WriteArrayHeader(Elements);
        writer.Write(TypeNames.Wire(value.GetType()));
        writer.Write(TypeNames.Wire(method.DeclaringType!));
        writer.Write(method.MetadataToken);
        writer.Write(method.Name);
        var arguments = method.IsGenericMethod ? method.GetGenericArguments() : [];
        writer.WriteArrayHeader(arguments.Length);
        foreach (var argument in arguments)
        {
            writer.Write(TypeNames.Wire(argument));
        }

        // Only the captured variables the function uses travel (see ClosureCleaner).
        var target = ClosureCleaner.Target(value);
        try
        {
            options.Resolver.GetFormatterWithVerify<object?>().Serialize(ref writer, target, options);
        }
        catch (Exception e)
        {
            throw ClosureMemberException.At(e, TargetLabel(target), target?.GetType() ?? typeof(object));
        }
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null!;
        }

        if (reader.ReadArrayHeader() != Elements)
        {
            throw new MessagePackSerializationException($"A delegate is an array of {Elements} elements.");
        }

        options.Security.DepthStep(ref reader);
        try
        {
            var policy = ClosureSerializerOptions.PolicyOf(options);
            var delegateType = policy.ResolveSignature(reader.ReadString() ?? "");
            if (!typeof(T).IsAssignableFrom(delegateType) || delegateType.IsAbstract)
            {
                throw new MessagePackSerializationException($"The payload names {delegateType.FullName}, which is not a {typeof(T).FullName}.");
            }

            var declaringType = policy.Resolve(reader.ReadString() ?? "");
            var token = reader.ReadInt32();
            var name = reader.ReadString();
            var method = s_methods.GetOrAdd((declaringType, token), static key => key.Item1
                .GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .FirstOrDefault(m => m.MetadataToken == key.Item2));
            if (method is null || method.Name != name)
            {
                throw new MessagePackSerializationException(
                    $"{declaringType.FullName} has no method {name} with token {token}: the driver and this worker have different builds of {declaringType.Assembly.GetName().Name}.");
            }

            var count = reader.ReadArrayHeader();
            if (count > 0)
            {
                var arguments = new Type[count];
                for (var i = 0; i < count; i++)
                {
                    arguments[i] = policy.ResolveSignature(reader.ReadString() ?? "");
                }

                method = method.MakeGenericMethod(arguments);
            }

            var target = options.Resolver.GetFormatterWithVerify<object?>().Deserialize(ref reader, options);
            return (T)(target is null && method.IsStatic ? method.CreateDelegate(delegateType) : method.CreateDelegate(delegateType, target));
        }
        finally
        {
            reader.Depth--;
        }
    }

    /// <summary>Why a delegate to <paramref name="method"/> cannot be shipped by reference, or <c>null</c>.</summary>
    public static string? ShippingProblem(MethodInfo method) =>
        method.DeclaringType is null || method.Module.Assembly.IsDynamic || method.GetType().Name.Contains("Dynamic", StringComparison.Ordinal)
            ? "the function was compiled at run time (Expression.Compile or DynamicMethod), so workers cannot find it by name; use a lambda or a named method"
            : null;

    /// <summary>How error paths name a delegate's target: nothing for a closure class (its fields are the captured names), <c>this</c> otherwise.</summary>
    public static string TargetLabel(object? target) =>
        target is null || FieldwiseLayout.IsCompilerGenerated(target.GetType()) ? "" : "this";
}

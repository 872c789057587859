using System.Buffers;
using Dataflow.Serialization.TypeSafety;
using MessagePack;

namespace Dataflow.Serialization.Closures;

/// <summary>
/// Turns a function into bytes that a worker process turns back into the same function: a method reference (declaring
/// type, metadata token and name, generic arguments, delegate type) plus the serialised captured state (the closure
/// class instance, or the captured <c>this</c>, or nothing for a static method). Captured delegates, such as a user's
/// selector held by an engine operator's own lambda, are serialised the same way, recursively. See
/// <see cref="ClosureResolver"/> for how each captured value is written, and <see cref="TypeResolutionPolicy"/> for
/// which types a reader accepts.
/// </summary>
/// <remarks>
/// Payload: <c>[format version, delegate]</c>, the delegate as <see cref="DelegateFormatter{T}"/> writes it. Object
/// identity is not preserved (an object captured twice arrives as two copies) and reference cycles are not supported;
/// <see cref="ClosureChecker"/> rejects them when the transformation is built.
/// </remarks>
internal static class ClosureSerializer
{
    /// <summary>The payload format; a reader refuses any other.</summary>
    public const int FormatVersion = 1;

    private static readonly DelegateFormatter<Delegate> s_formatter = new();
    private static volatile ClosureSerializerOptions? s_writeOptions;

    /// <summary>Serialises <paramref name="function"/> and everything it captures.</summary>
    /// <exception cref="NotSupportedException">Something captured cannot be serialised; a <see cref="ClosureMemberException"/> names the member.</exception>
    public static byte[] Serialize(Delegate function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var options = WriteOptions();
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(2);
        writer.Write(FormatVersion);
        s_formatter.Serialize(ref writer, function, options);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Rebuilds a function serialised by <see cref="Serialize"/>, resolving types only as <paramref name="policy"/> allows.</summary>
    /// <exception cref="DisallowedTypeException">The payload names a type the policy refuses (logged by the policy).</exception>
    public static Delegate Deserialize(byte[] bytes, TypeResolutionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(policy);

        // Anything that resolves types by name while reading (Type.GetType, Assembly.Load in a user formatter) must look
        // in the job's load context, not the worker's.
        using var scope = policy.LoadContext?.EnterContextualReflection();
        var options = policy.Options;
        var reader = new MessagePackReader(bytes);
        if (reader.ReadArrayHeader() != 2 || reader.ReadInt32() != FormatVersion)
        {
            throw new MessagePackSerializationException($"Not a closure payload of format {FormatVersion}.");
        }

        var function = s_formatter.Deserialize(ref reader, options);
        if (!reader.End)
        {
            throw new MessagePackSerializationException("A closure payload has bytes after its end.");
        }

        return function;
    }

    /// <summary>As <see cref="Deserialize(byte[], TypeResolutionPolicy)"/>, checking the delegate's type.</summary>
    public static TDelegate Deserialize<TDelegate>(byte[] bytes, TypeResolutionPolicy policy)
        where TDelegate : Delegate =>
        Deserialize(bytes, policy) as TDelegate ??
        throw new MessagePackSerializationException($"The closure payload is not a {TypeNames.Display(typeof(TDelegate))}.");

    internal static ClosureSerializerOptions WriteOptions()
    {
        var options = s_writeOptions;
        if (options is null || options.ResolverVersion != DataflowSerializer.Version)
        {
            s_writeOptions = options = ClosureSerializerOptions.Create(policy: null);
        }

        return options;
    }
}

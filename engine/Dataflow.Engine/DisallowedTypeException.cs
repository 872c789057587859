namespace Dataflow;

/// <summary>
/// A shipped closure (or other payload) names a type that the receiving process does not deserialise: one that is
/// neither in the job's assemblies, nor the engine's, nor on the allow-list of plain data types (primitives, strings,
/// BCL collections, ...). Such payloads are rejected before any of their data is read, and logged.
/// </summary>
public sealed class DisallowedTypeException : Exception
{
    /// <summary>Creates the exception for <paramref name="typeName"/>.</summary>
    public DisallowedTypeException(string typeName, string reason)
        : base($"Refusing to deserialise type '{typeName}': {reason}. Only the job's assemblies, the engine's types and plain data " +
               "types (primitives, strings, BCL collections and tuples of them) are allowed; register a formatter with " +
               "Dataflow.Serialization.DataflowSerializer for other types.")
    {
        TypeName = typeName;
    }

    /// <summary>Creates the exception (required by convention).</summary>
    public DisallowedTypeException() : base("A payload named a type that is not allowed.") => TypeName = "";

    /// <summary>Creates the exception (required by convention).</summary>
    public DisallowedTypeException(string message) : base(message) => TypeName = "";

    /// <summary>Creates the exception (required by convention).</summary>
    public DisallowedTypeException(string message, Exception innerException) : base(message, innerException) => TypeName = "";

    /// <summary>The rejected type, as named in the payload.</summary>
    public string TypeName { get; }
}

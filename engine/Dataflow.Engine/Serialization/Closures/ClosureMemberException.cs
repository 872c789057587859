using Dataflow.Serialization.TypeSafety;

namespace Dataflow.Serialization.Closures;

/// <summary>
/// A captured value could not be serialised. Thrown by the closure formatters and extended with each enclosing member
/// name as it unwinds, so the build-time check can say which member of the closure was at fault.
/// </summary>
internal sealed class ClosureMemberException : NotSupportedException
{
    private readonly List<string> _path = [];

    public ClosureMemberException(string segment, Type capturedType, Exception innerException)
        : base(innerException.Message, innerException)
    {
        _path.Add(segment);
        CapturedType = capturedType;
    }

    public ClosureMemberException() => CapturedType = typeof(object);

    public ClosureMemberException(string message) : base(message) => CapturedType = typeof(object);

    public ClosureMemberException(string message, Exception innerException) : base(message, innerException) => CapturedType = typeof(object);

    /// <summary>The runtime type of the innermost value that failed.</summary>
    public Type CapturedType { get; }

    /// <summary>The member path from the closure to that value, e.g. <c>this.db</c>.</summary>
    public string Path => string.Join('.', _path.Where(s => s.Length > 0));

    /// <summary>Why it failed.</summary>
    public string Reason => InnerException?.Message ?? base.Message;

    /// <inheritdoc />
    public override string Message => $"'{Path}' ({TypeNames.Display(CapturedType)}) cannot be serialised: {Reason}";

    /// <summary>Adds <paramref name="segment"/> (a member name; empty for a transparent level) in front of the path of <paramref name="error"/>.</summary>
    public static ClosureMemberException At(Exception error, string segment, Type capturedType)
    {
        if (error is ClosureMemberException member)
        {
            member._path.Insert(0, segment);
            return member;
        }

        return new ClosureMemberException(segment, capturedType, error);
    }
}

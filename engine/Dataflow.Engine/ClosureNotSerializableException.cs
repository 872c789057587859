namespace Dataflow;

/// <summary>
/// A function given to a transformation captures something that cannot be sent to worker processes (a
/// <see cref="DataflowContext"/>, an RDD, a stream, a connection, ...). Thrown when the transformation is built, in
/// local mode too, so that code that works locally also works on a cluster. The message names the operator's call
/// site, the captured member path and its type, e.g.
/// <c>closure of Select at Program.cs:42 captures 'this.db' (SqlConnection), which cannot be sent to workers</c>.
/// </summary>
public sealed class ClosureNotSerializableException : Exception
{
    /// <summary>Creates the exception for a captured member.</summary>
    public ClosureNotSerializableException(CallSite callSite, string memberPath, string capturedType, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        CallSite = callSite;
        MemberPath = memberPath;
        CapturedType = capturedType;
    }

    /// <summary>Creates the exception (required by convention).</summary>
    public ClosureNotSerializableException() : this("A closure cannot be sent to workers.")
    {
    }

    /// <summary>Creates the exception (required by convention).</summary>
    public ClosureNotSerializableException(string message) : base(message)
    {
        CallSite = CallSite.Internal("?");
        MemberPath = "";
        CapturedType = "";
    }

    /// <summary>Creates the exception (required by convention).</summary>
    public ClosureNotSerializableException(string message, Exception innerException) : base(message, innerException)
    {
        CallSite = CallSite.Internal("?");
        MemberPath = "";
        CapturedType = "";
    }

    /// <summary>The operator whose function captured the member.</summary>
    public CallSite CallSite { get; }

    /// <summary>The path from the function to the offending member, e.g. <c>this.db</c>; empty for the function itself.</summary>
    public string MemberPath { get; }

    /// <summary>The offending object's type, as shown in the message (e.g. <c>SqlConnection</c>).</summary>
    public string CapturedType { get; }
}

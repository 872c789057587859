namespace Dataflow;

/// <summary>
/// Where in the user's program an operator or action was called: shown in errors, <c>Explain()</c> and events.
/// </summary>
/// <param name="Operation">The operator or action name, e.g. <c>ReduceByKey</c>.</param>
/// <param name="File">The source file of the call, as the compiler saw it (may be empty).</param>
/// <param name="Line">The line of the call (0 when unknown).</param>
public readonly record struct CallSite(string Operation, string File, int Line)
{
    /// <summary>A call site for engine-internal RDDs that have no user call.</summary>
    public static CallSite Internal(string operation) => new(operation, "", 0);

    /// <summary>Formats as <c>Select at Program.cs:42</c>.</summary>
    public override string ToString() =>
        Line == 0 ? Operation : $"{Operation} at {Path.GetFileName(File)}:{Line.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

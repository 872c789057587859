namespace Dataflow.CommandLine;

internal enum OptionKind
{
    /// <summary><c>--name value</c> or <c>--name=value</c>; the last occurrence wins.</summary>
    Single,

    /// <summary>Repeatable; each occurrence (and each comma-separated item) adds to the list.</summary>
    List,

    /// <summary><c>--name</c> alone means true; <c>--name=false</c> is also accepted.</summary>
    Flag,

    /// <summary>A bare argument, matched by position.</summary>
    Positional,

    /// <summary>Everything after the last positional, options included, passed on untouched (a program's own arguments).</summary>
    Remainder,
}

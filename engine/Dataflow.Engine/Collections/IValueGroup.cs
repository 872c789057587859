namespace Dataflow.Collections;

/// <summary>The untyped handle the co-grouping loop keeps on each <see cref="SpillableGroup{T}"/> it fills.</summary>
internal interface IValueGroup
{
    /// <summary>The values as objects, for co-groups of inputs with different value types.</summary>
    IReadOnlyCollection<object?> Boxed { get; }

    /// <summary>Ends adding: a spilled group writes its last values out and becomes a view of its file.</summary>
    void Seal();

    /// <summary>Stops accounting the group's memory to the task (the grouping moved on to the next key).</summary>
    void Release();

    /// <summary>Drops an unfinished group (the enumeration was abandoned).</summary>
    void Abandon();
}

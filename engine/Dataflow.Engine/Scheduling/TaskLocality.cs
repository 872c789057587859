namespace Dataflow.Scheduling;

/// <summary>How close a task attempt runs to its data, best first.</summary>
/// <remarks>Spark: TaskLocality (without RACK_LOCAL)</remarks>
internal enum TaskLocality
{
    /// <summary>On the executor holding the task's data.</summary>
    Process,

    /// <summary>On another executor of the host holding it.</summary>
    Host,

    /// <summary>The task prefers no place.</summary>
    NoPreference,

    /// <summary>Anywhere.</summary>
    Any,
}

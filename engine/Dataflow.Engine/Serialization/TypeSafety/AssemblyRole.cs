namespace Dataflow.Serialization.TypeSafety;

/// <summary>Where an assembly's code comes from on a worker (<see cref="AssemblyRoles"/> decides).</summary>
internal enum AssemblyRole
{
    /// <summary>The .NET runtime: every process has its own; only the allow-list's plain data types may be shipped.</summary>
    Framework,

    /// <summary><c>Dataflow.Engine</c>: the worker's, of the very build the driver runs (checked when a worker joins).</summary>
    Engine,

    /// <summary>A library the worker is built with: never shipped, its types resolved from the worker's copy and allowed in payloads.</summary>
    WorkerLibrary,

    /// <summary>A dependency of the engine the worker has (Orleans, MessagePack, …): never shipped, its types only nameable.</summary>
    WorkerDependency,

    /// <summary>Code that runs only on the driver (the UI, plotting): never shipped, its types refused in payloads.</summary>
    DriverOnly,

    /// <summary>The application's own code and anything else: shipped with the job and loaded per application.</summary>
    Job,
}

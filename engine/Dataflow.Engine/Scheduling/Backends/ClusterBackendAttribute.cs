namespace Dataflow.Scheduling.Backends;

/// <summary>
/// Registers an assembly's <see cref="IClusterBackendFactory"/>: <c>[assembly: ClusterBackend(typeof(MyFactory))]</c>.
/// <c>Dataflow.Cluster</c> carries it for its Orleans backend; <see cref="ClusterBackends"/> finds it among the
/// application's assemblies when a context is created with a cluster master. The factory needs a public parameterless
/// constructor.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
internal sealed class ClusterBackendAttribute(Type factoryType) : Attribute
{
    /// <summary>The factory type, an <see cref="IClusterBackendFactory"/>.</summary>
    public Type FactoryType { get; } = factoryType;
}

namespace Dataflow;

public sealed partial class DataflowContext
{
    /// <summary>
    /// A service of the backend the context runs on, for libraries built on the engine that talk to the cluster
    /// themselves (the parameter server creates its shard grains with it): on an <c>orleans://</c> master the driver's
    /// Orleans client (<c>IClusterClient</c>, <c>IGrainFactory</c>) and the services of the client's host; null in
    /// local mode, or when the backend has no service of that type.
    /// </summary>
    /// <typeparam name="T">The service type.</typeparam>
    /// <example><code>
    /// var grains = ctx.GetBackendService&lt;IGrainFactory&gt;() ?? throw new InvalidOperationException("needs a cluster master");
    /// </code></example>
    public T? GetBackendService<T>() where T : class => (_backend as IServiceProvider)?.GetService(typeof(T)) as T;
}

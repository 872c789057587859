namespace Dataflow.Cluster.Driver;

/// <summary>The backend's services for libraries (<see cref="DataflowContext.GetBackendService{T}"/>).</summary>
internal sealed partial class OrleansBackend : IServiceProvider
{
    /// <summary>The driver's cluster client as <see cref="IClusterClient"/> or <see cref="IGrainFactory"/>; else a service of the client's host.</summary>
    public object? GetService(Type serviceType)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceType == typeof(IClusterClient) || serviceType == typeof(IGrainFactory) ? _client : _client.ServiceProvider.GetService(serviceType);
    }
}

using System.Reflection;
using System.Runtime.Loader;
using Dataflow.Cluster.Grains;
using Dataflow.Serialization.TypeSafety;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// Checks, when an application is set up, that this worker has each library the driver declared it uses from the
/// worker (<see cref="ApplicationSpec.Provided"/>) and of the same build: the job's copy is never loaded instead, and
/// task binaries name methods by metadata token, so another build would run other code. A mismatch refuses the
/// application with an error naming both versions; the driver reports it when no worker can take the job.
/// </summary>
internal static class ProvidedAssemblyCheck
{
    /// <summary>Loads this worker's copy of each declared library; throws naming both builds when one differs.</summary>
    /// <exception cref="InvalidOperationException">A library is missing here, not one the worker provides, or of another build.</exception>
    public static IReadOnlyList<Assembly> Verify(string appId, IEnumerable<ProvidedAssembly> declared)
    {
        var loaded = new List<Assembly>();
        foreach (var wanted in declared)
        {
            Assembly local;
            try
            {
                local = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(wanted.Name));
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                throw new InvalidOperationException(
                    $"Application {appId} uses {wanted.Name} {wanted.Version} from the worker, but this worker does not have it ({e.Message}). "
                    + "Build the worker with it (engine/Dataflow.Worker references the libraries workers provide).", e);
            }

            if (!AssemblyRoles.IsProvidedByWorker(local))
            {
                throw new InvalidOperationException(
                    $"Application {appId} expects the worker to provide {wanted.Name}, which this worker counts as a job assembly; driver and worker disagree on the rule (another build).");
            }

            var moduleId = local.ManifestModule.ModuleVersionId;
            if (moduleId != wanted.ModuleId)
            {
                throw new InvalidOperationException(
                    $"Application {appId} was built with {wanted.Name} {wanted.Version} (build {Short(wanted.ModuleId)}), but this worker has "
                    + $"{wanted.Name} {local.GetName().Version} (build {Short(moduleId)}); the worker's copy is the one tasks run, so both must be the same build. "
                    + "Run the driver against the workers' build of the library, or restart the workers from the driver's build (local-cluster.sh stop, then start N --rebuild).");
            }

            loaded.Add(local);
        }

        return loaded;
    }

    private static string Short(Guid id) => id.ToString("N")[..8];
}

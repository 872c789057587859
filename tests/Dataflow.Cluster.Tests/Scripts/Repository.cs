using System.Runtime.CompilerServices;

namespace Dataflow.Cluster.Tests.Scripts;

/// <summary>The repository the tests run from (for cluster-config/local-cluster.sh and the engine projects).</summary>
internal static class Repository
{
    /// <summary>The directory holding Dataflow.sln: above the test binaries or, when they were built elsewhere (--artifacts-path), above this source file.</summary>
    public static string Root([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Dataflow.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"Dataflow.sln not found above {AppContext.BaseDirectory} or {sourceFile}");
    }
}

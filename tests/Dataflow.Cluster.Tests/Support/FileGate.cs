using Dataflow.Execution;

namespace Dataflow.Cluster.Tests.Support;

/// <summary>
/// Holds tasks of an in-process cluster until the test opens their gate: workers run a job's code from its own load
/// context (statics are not the test's), so the task and the test meet in a directory. A task marks that it started,
/// then waits for its gate file, and stops waiting when it is killed.
/// </summary>
public sealed class FileGate : IDisposable
{
    public FileGate() => Directory = System.IO.Directory.CreateTempSubdirectory("dataflow-gate-").FullName;

    public string Directory { get; }

    /// <summary>Inside a task: records that <paramref name="name"/> started, then waits until it may go on or is killed.</summary>
    public static void Hold(string directory, string name)
    {
        File.WriteAllText(Path.Combine(directory, name + ".started"), "");
        var cancellation = TaskContext.Current!.CancellationToken;
        while (!File.Exists(Path.Combine(directory, name + ".go")))
        {
            if (cancellation.WaitHandle.WaitOne(10))
            {
                File.WriteAllText(Path.Combine(directory, name + ".cancelled"), "");
                cancellation.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>Inside a task: records that <paramref name="name"/> started.</summary>
    public static void Mark(string directory, string name) => File.WriteAllText(Path.Combine(directory, name + ".started"), "");

    public IReadOnlyList<string> Started(string prefix) => Names(prefix, ".started");

    public IReadOnlyList<string> Cancelled(string prefix) => Names(prefix, ".cancelled");

    public void Open(string name) => File.WriteAllText(Path.Combine(Directory, name + ".go"), "");

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private List<string> Names(string prefix, string suffix) =>
        [.. System.IO.Directory.GetFiles(Directory, prefix + "*" + suffix).Select(f => Path.GetFileName(f)[..^suffix.Length])];
}

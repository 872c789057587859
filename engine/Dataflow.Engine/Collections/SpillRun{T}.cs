using Dataflow.Execution;
using Dataflow.Serialization.Records;
using Dataflow.Storage;

namespace Dataflow.Collections;

/// <summary>
/// A closed spill file: records in the order they were written (a sorted run, or one key's values), readable any
/// number of times, one frame in memory per reader, until it is deleted or its task ends.
/// </summary>
internal sealed class SpillRun<T>
{
    private readonly TaskTempFiles _files;

    public SpillRun(TaskTempFiles files, string path, long bytes, long count)
    {
        _files = files;
        Path = path;
        Bytes = bytes;
        Count = count;
    }

    public string Path { get; }

    /// <summary>Stored bytes (compressed, with frame headers).</summary>
    public long Bytes { get; }

    public long Count { get; }

    /// <summary>Writes <paramref name="records"/> to a new spill file of the task.</summary>
    public static SpillRun<T> Write(TaskContext context, string prefix, IEnumerable<T> records)
    {
        using var writer = new SpillWriter<T>(context, prefix);
        foreach (var record in records)
        {
            writer.Append(record);
        }

        return writer.Finish();
    }

    /// <summary>Streams the records back; a corrupt frame raises <see cref="InvalidDataException"/>.</summary>
    public IEnumerable<T> Read()
    {
        FileStream stream;
        try
        {
            stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && _files.IsDeleted)
        {
            throw new InvalidOperationException(
                $"The spill file {Path} was deleted when its task ended. Values spilled to disk (a group larger than the " +
                "task's memory) can only be read inside the task that produced them: consume or reduce them in the job " +
                "(e.g. Select(g => (g.Key, g.Value.Count()))) instead of returning them from an action.", e);
        }

        using (stream)
        {
            foreach (var record in RecordBatchReader.Read<T>(stream, Bytes, Path))
            {
                yield return record;
            }
        }
    }

    public void Delete() => File.Delete(Path);
}

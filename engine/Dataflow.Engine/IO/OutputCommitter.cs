using System.Globalization;

namespace Dataflow.IO;

/// <summary>
/// The commit protocol for directory output (<c>part-00000</c>… then <c>_SUCCESS</c>), after Hadoop's
/// <c>FileOutputCommitter</c>: nothing appears under the final name until every partition is committed.
/// </summary>
/// <remarks>
/// <para>
/// Layout: the job writes into a hidden sibling of the output, <c>&lt;parent&gt;/.&lt;name&gt;.dataflow-&lt;jobId&gt;.tmp</c>
/// (same filesystem, so the final rename is atomic and readers skip it as hidden). Each task attempt writes
/// <c>_attempts/&lt;partition&gt;-&lt;attempt&gt;/part-NNNNN</c>. Committing renames that attempt directory to
/// <c>_committed/part-NNNNN</c>: renaming a directory onto an existing non-empty one fails in the kernel, so
/// exactly one attempt wins even when attempts race from different processes (a file move without overwrite
/// is only check-then-rename in .NET on Unix). Committing the job checks that every partition was committed,
/// moves the part files to the top, drops the bookkeeping folders, writes <c>_SUCCESS</c> last and renames
/// the staging directory into place.
/// </para>
/// <para>
/// All state lives in the filesystem: an instance built with the same output path and job id on another
/// thread or process (a worker) sees the same staging directory, so tasks may create, commit and abort
/// from anywhere while the driver alone calls <see cref="SetupJob"/>, <see cref="CommitJob"/> and
/// <see cref="AbortJob"/>. Task methods are safe to call concurrently. The driver should stop running
/// attempts before <see cref="AbortJob"/>: an attempt racing the delete may leave files behind.
/// </para>
/// </remarks>
internal sealed class OutputCommitter
{
    /// <summary>The marker file written last into a complete output directory.</summary>
    public const string SuccessFileName = "_SUCCESS";

    private const string AttemptsDirectoryName = "_attempts";
    private const string CommittedDirectoryName = "_committed";

    private readonly bool _overwrite;
    private readonly string _jobId;

    /// <summary>Creates the committer; touches nothing on disk.</summary>
    /// <param name="outputPath">The output directory; relative paths resolve against the current directory.</param>
    /// <param name="overwrite">Replace an existing non-empty output directory instead of failing.</param>
    /// <param name="jobId">Unique per job run; becomes part of the staging directory's name.</param>
    public OutputCommitter(string outputPath, bool overwrite, string jobId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        if (jobId.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || jobId.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Job id '{jobId}' must be usable in a file name.", nameof(jobId));
        }

        OutputPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputPath));
        string? parent = Path.GetDirectoryName(OutputPath);
        if (string.IsNullOrEmpty(parent))
        {
            throw new ArgumentException($"Output path '{OutputPath}' is a filesystem root; name a directory below it.", nameof(outputPath));
        }

        _overwrite = overwrite;
        _jobId = jobId;
        string name = Path.GetFileName(OutputPath);
        StagingPath = Path.Combine(parent, $".{name}.dataflow-{jobId}.tmp");
        AttemptsPath = Path.Combine(StagingPath, AttemptsDirectoryName);
        CommittedPath = Path.Combine(StagingPath, CommittedDirectoryName);
    }

    /// <summary>The full path of the final output directory.</summary>
    public string OutputPath { get; }

    /// <summary>The full path of the hidden staging directory the job writes into.</summary>
    public string StagingPath { get; }

    private string AttemptsPath { get; }

    private string CommittedPath { get; }

    /// <summary>The file name of a partition's output: <c>part-00000</c> for partition 0.</summary>
    public static string PartFileName(int partition)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        return "part-" + partition.ToString("D5", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Checks the output path and creates the staging directory (and the output's parent directories).
    /// Call once, on the driver, before any task runs.
    /// </summary>
    /// <exception cref="OutputExistsException">The output is a file, or a non-empty directory without overwrite.</exception>
    /// <exception cref="OutputPathException">A parent of the output is a file, or the output's directory cannot be created.</exception>
    public void SetupJob()
    {
        if (File.Exists(OutputPath))
        {
            throw new OutputExistsException(
                $"Output path '{OutputPath}' exists and is a file, not a directory; delete it or choose another output path.",
                OutputPath);
        }

        if (!_overwrite && Directory.Exists(OutputPath) && Directory.EnumerateFileSystemEntries(OutputPath).Any())
        {
            throw ExistsError();
        }

        ThrowIfUnderFile();
        // A leftover from a crashed run with this very job id holds nothing worth keeping.
        DeleteDirectory(StagingPath);
        try
        {
            Directory.CreateDirectory(AttemptsPath);
            Directory.CreateDirectory(CommittedPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The staging directory is ours, not the user's: name the path they gave and the directory refusing it.
            var reason = e is UnauthorizedAccessException ? "permission denied" : "the filesystem refused it";
            throw new OutputPathException(
                $"Output path '{OutputPath}' cannot be written: no directory can be created in '{NearestExistingAncestor()}' ({reason}); choose an output path on a writable filesystem.",
                e);
        }
    }

    /// <exception cref="OutputPathException">A parent of the output path is a file.</exception>
    private void ThrowIfUnderFile()
    {
        for (var parent = Path.GetDirectoryName(OutputPath); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                throw new OutputPathException(
                    $"Output path '{OutputPath}' is under '{parent}', which is a file, not a directory; choose an output path whose parent is a directory.");
            }

            if (Directory.Exists(parent))
            {
                return;
            }
        }
    }

    private string NearestExistingAncestor()
    {
        var parent = Path.GetDirectoryName(OutputPath);
        while (!string.IsNullOrEmpty(parent) && !Directory.Exists(parent))
        {
            parent = Path.GetDirectoryName(parent);
        }

        return parent ?? OutputPath;
    }

    /// <summary>Creates (or truncates) the file that task attempt <paramref name="attempt"/> of <paramref name="partition"/> writes.</summary>
    /// <exception cref="InvalidOperationException">The job was not set up, or was already committed or aborted.</exception>
    public Stream CreateTaskOutput(int partition, int attempt)
    {
        string directory = AttemptDirectory(partition, attempt);
        // Directory.CreateDirectory would also create missing parents: checking first keeps a zombie task
        // from resurrecting the staging directory of an aborted or committed job.
        if (!Directory.Exists(AttemptsPath))
        {
            throw NotRunning(partition, attempt, null);
        }

        try
        {
            Directory.CreateDirectory(directory);
            return new FileStream(
                Path.Combine(directory, PartFileName(partition)), FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
        }
        catch (DirectoryNotFoundException e)
        {
            throw NotRunning(partition, attempt, e);
        }
    }

    /// <summary>
    /// Publishes the attempt's file as the partition's output. The stream from <see cref="CreateTaskOutput"/>
    /// must be closed first.
    /// </summary>
    /// <returns>
    /// <see langword="true"/> when this attempt's output is the partition's output; <see langword="false"/> when
    /// another attempt committed first (this attempt's file is then deleted).
    /// </returns>
    /// <exception cref="InvalidOperationException">The attempt wrote no output, or the job is not running.</exception>
    public bool CommitTask(int partition, int attempt)
    {
        string source = AttemptDirectory(partition, attempt);
        string target = Path.Combine(CommittedPath, PartFileName(partition));
        if (!File.Exists(Path.Combine(source, PartFileName(partition))))
        {
            throw Directory.Exists(StagingPath)
                ? new InvalidOperationException(
                    $"Job {_jobId}: partition {partition} attempt {attempt} has no output to commit (nothing in '{source}').")
                : NotRunning(partition, attempt, null);
        }

        try
        {
            // The target, once there, is a non-empty directory, so a second rename onto it fails atomically.
            Directory.Move(source, target);
            return true;
        }
        catch (IOException) when (Directory.Exists(target))
        {
            DeleteDirectory(source);
            return false;
        }
    }

    /// <summary>Deletes what a failed or killed attempt wrote; does nothing when there is none.</summary>
    public void AbortTask(int partition, int attempt) => DeleteDirectory(AttemptDirectory(partition, attempt));

    /// <summary>
    /// Completes the job: every <c>part-NNNNN</c> for 0 ≤ N &lt; <paramref name="numPartitions"/> must have been
    /// committed. Writes <c>_SUCCESS</c> and renames the staging directory to the output path, replacing an
    /// empty directory, or with overwrite any directory.
    /// </summary>
    /// <exception cref="InvalidOperationException">A partition was not committed.</exception>
    /// <exception cref="OutputExistsException">Non-empty output appeared since <see cref="SetupJob"/> and overwrite is off.</exception>
    public void CommitJob(int numPartitions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numPartitions);
        var missing = Enumerable.Range(0, numPartitions)
            .Where(p => !File.Exists(CommittedFile(p)))
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Job {_jobId} cannot commit '{OutputPath}': {missing.Count} of {numPartitions} partitions have no committed " +
                $"output (first: {string.Join(", ", missing.Take(5))}).");
        }

        for (int p = 0; p < numPartitions; p++)
        {
            File.Move(CommittedFile(p), Path.Combine(StagingPath, PartFileName(p)));
        }

        DeleteDirectory(CommittedPath);
        DeleteDirectory(AttemptsPath);
        File.WriteAllBytes(Path.Combine(StagingPath, SuccessFileName), []);
        OutputReplacer.MoveIntoPlace(StagingPath, OutputPath, _overwrite, _jobId, ExistsError);
    }

    /// <summary>Deletes the staging directory. Never touches the output path, so earlier output survives.</summary>
    public void AbortJob() => DeleteDirectory(StagingPath);

    private string AttemptDirectory(int partition, int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        return Path.Combine(AttemptsPath, string.Create(CultureInfo.InvariantCulture, $"{partition}-{attempt}"));
    }

    private string CommittedFile(int partition) =>
        Path.Combine(CommittedPath, PartFileName(partition), PartFileName(partition));

    private OutputExistsException ExistsError() => new(
        $"Output directory '{OutputPath}' already exists and is not empty; pass --overwrite (overwrite: true) to " +
        "replace it, or delete it first.",
        OutputPath);

    private InvalidOperationException NotRunning(int partition, int attempt, Exception? inner) => new(
        $"Job {_jobId}: partition {partition} attempt {attempt} cannot write output: the staging directory " +
        $"'{StagingPath}' does not exist (SetupJob was not called, or the job was already committed or aborted).",
        inner);

    internal static void DeleteDirectory(string path)
    {
        // A task that was told to stop may still be closing a file; a few tries absorb that race.
        for (int tries = 1; ; tries++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException) when (tries < 3)
            {
            }
        }
    }
}

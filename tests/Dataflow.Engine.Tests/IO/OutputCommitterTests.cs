using System.Text;
using Dataflow.IO;

namespace Dataflow.Tests.IO;

public sealed class OutputCommitterTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Output => _dir.Combine("out");

    private static void WriteTask(OutputCommitter committer, int partition, int attempt, string text)
    {
        using var stream = committer.CreateTaskOutput(partition, attempt);
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    private static string[] Listing(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    private string[] TempLeftovers() =>
        [.. Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName).Where(n => n!.StartsWith('.'))!];

    private void RunJob(OutputCommitter committer, params string[] parts)
    {
        committer.SetupJob();
        for (int p = 0; p < parts.Length; p++)
        {
            WriteTask(committer, p, 0, parts[p]);
            Assert.True(committer.CommitTask(p, 0));
        }

        committer.CommitJob(parts.Length);
    }

    [Fact]
    public void PartFileName_UsesFiveDigits()
    {
        Assert.Equal("part-00000", OutputCommitter.PartFileName(0));
        Assert.Equal("part-00042", OutputCommitter.PartFileName(42));
        Assert.Equal("part-123456", OutputCommitter.PartFileName(123456));
    }

    [Fact]
    public void CommitJob_AllPartsCommitted_PublishesPartsAndSuccessOnly()
    {
        RunJob(new OutputCommitter(Output, overwrite: false, "job1"), "a\n", "b\n", "");

        Assert.Equal(["_SUCCESS", "part-00000", "part-00001", "part-00002"], Listing(Output));
        Assert.Equal("b\n", File.ReadAllText(Path.Combine(Output, "part-00001")));
        Assert.Equal(0, new FileInfo(Path.Combine(Output, "_SUCCESS")).Length);
        Assert.Empty(TempLeftovers());
    }

    [Fact]
    public void SetupJob_OutputUnderAFile_NamesTheFileNotTheStagingDirectory()
    {
        var file = _dir.Write("data.txt", "x");
        var output = Path.Combine(file, "deeper", "out");

        var error = Assert.Throws<OutputPathException>(() => new OutputCommitter(output, overwrite: false, "job1").SetupJob());

        Assert.Equal($"Output path '{output}' is under '{file}', which is a file, not a directory; choose an output path whose parent is a directory.", error.Message);
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public void SetupJob_DirectoryCannotBeCreated_NamesTheUsersPath()
    {
        if (!Directory.Exists("/proc/self"))
        {
            Assert.Skip("needs Linux /proc, where no directory can be created");
        }

        var error = Assert.Throws<OutputPathException>(() => new OutputCommitter("/proc/x", overwrite: false, "job1").SetupJob());

        Assert.StartsWith("Output path '/proc/x' cannot be written: no directory can be created in '/proc' (", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".dataflow-", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(error.InnerException);
    }

    [Fact]
    public void SetupJob_NonEmptyOutputWithoutOverwrite_ThrowsAndLeavesItUntouched()
    {
        _dir.Write("out/keep.txt", "precious");
        var committer = new OutputCommitter(Output, overwrite: false, "job1");

        var e = Assert.Throws<OutputExistsException>(committer.SetupJob);

        Assert.Contains(Output, e.Message, StringComparison.Ordinal);
        Assert.Contains("--overwrite", e.Message, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Listing(Output));
        Assert.Empty(TempLeftovers());
    }

    [Fact]
    public void SetupJob_OutputIsAFile_Throws()
    {
        _dir.Write("out", "file");

        Assert.Throws<OutputExistsException>(new OutputCommitter(Output, overwrite: true, "job1").SetupJob);
        Assert.Equal("file", File.ReadAllText(Output));
    }

    [Fact]
    public void CommitJob_Overwrite_ReplacesOldOutput()
    {
        _dir.Write("out/part-00000", "old");
        _dir.Write("out/part-00001", "old");
        _dir.Write("out/_SUCCESS", "");

        RunJob(new OutputCommitter(Output, overwrite: true, "job2"), "new");

        Assert.Equal(["_SUCCESS", "part-00000"], Listing(Output));
        Assert.Equal("new", File.ReadAllText(Path.Combine(Output, "part-00000")));
        Assert.Empty(TempLeftovers());
    }

    [Fact]
    public void CommitJob_ExistingEmptyDirectory_IsReplacedWithoutOverwrite()
    {
        Directory.CreateDirectory(Output);

        RunJob(new OutputCommitter(Output, overwrite: false, "job1"), "x");

        Assert.Equal(["_SUCCESS", "part-00000"], Listing(Output));
    }

    [Fact]
    public void CommitJob_MissingPartition_ThrowsAndPublishesNothing()
    {
        var committer = new OutputCommitter(Output, overwrite: false, "job1");
        committer.SetupJob();
        WriteTask(committer, 0, 0, "a");
        committer.CommitTask(0, 0);

        var e = Assert.Throws<InvalidOperationException>(() => committer.CommitJob(2));

        Assert.Contains("1 of 2", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public void CommitJob_OutputAppearedDuringJob_ThrowsAndLeavesItUntouched()
    {
        var committer = new OutputCommitter(Output, overwrite: false, "job1");
        committer.SetupJob();
        WriteTask(committer, 0, 0, "mine");
        committer.CommitTask(0, 0);
        _dir.Write("out/theirs.txt", "theirs");

        Assert.Throws<OutputExistsException>(() => committer.CommitJob(1));
        committer.AbortJob();

        Assert.Equal(["theirs.txt"], Listing(Output));
        Assert.Empty(TempLeftovers());
    }

    [Fact]
    public void CommitTask_SecondAttempt_LosesAndItsFileIsDeleted()
    {
        var committer = new OutputCommitter(Output, overwrite: false, "job1");
        committer.SetupJob();
        WriteTask(committer, 0, 1, "winner");
        WriteTask(committer, 0, 0, "loser");

        Assert.True(committer.CommitTask(0, 1));
        Assert.False(committer.CommitTask(0, 0));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(committer.StagingPath, "_attempts")));

        committer.CommitJob(1);
        Assert.Equal("winner", File.ReadAllText(Path.Combine(Output, "part-00000")));
        Assert.Equal(["_SUCCESS", "part-00000"], Listing(Output));
    }

    [Fact]
    public void CommitTask_ConcurrentAttemptsFromSeparateInstances_ExactlyOneWins()
    {
        new OutputCommitter(Output, overwrite: false, "job1").SetupJob();
        const int attempts = 16;
        using var barrier = new Barrier(attempts);
        var won = new bool[attempts];
        var threads = Enumerable.Range(0, attempts).Select(a => new Thread(() =>
        {
            // A separate instance per attempt, as a worker process would build it.
            var worker = new OutputCommitter(Output, overwrite: false, "job1");
            WriteTask(worker, 0, a, $"attempt {a}");
            barrier.SignalAndWait();
            won[a] = worker.CommitTask(0, a);
        })).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        int winner = Assert.Single(Enumerable.Range(0, attempts), a => won[a]);
        new OutputCommitter(Output, overwrite: false, "job1").CommitJob(1);
        Assert.Equal($"attempt {winner}", File.ReadAllText(Path.Combine(Output, "part-00000")));
        Assert.Equal(["_SUCCESS", "part-00000"], Listing(Output));
    }

    [Fact]
    public void AbortTask_DeletesTheAttemptFile()
    {
        var committer = new OutputCommitter(Output, overwrite: false, "job1");
        committer.SetupJob();
        WriteTask(committer, 0, 0, "partial");

        committer.AbortTask(0, 0);
        committer.AbortTask(0, 7);

        Assert.Empty(Directory.EnumerateFiles(committer.StagingPath, "*", SearchOption.AllDirectories));
        Assert.Throws<InvalidOperationException>(() => committer.CommitTask(0, 0));
    }

    [Fact]
    public void AbortJob_AfterSomeTasksCommitted_LeavesNoOutput()
    {
        var committer = new OutputCommitter(Output, overwrite: false, "job1");
        committer.SetupJob();
        WriteTask(committer, 0, 0, "a");
        committer.CommitTask(0, 0);
        WriteTask(committer, 1, 0, "b");

        committer.AbortJob();

        Assert.False(Directory.Exists(Output));
        Assert.False(Directory.Exists(committer.StagingPath));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
        Assert.Throws<InvalidOperationException>(() => committer.CreateTaskOutput(2, 0));
    }

    [Fact]
    public void AbortJob_WithOverwrite_KeepsPreviousOutput()
    {
        _dir.Write("out/part-00000", "old");
        _dir.Write("out/_SUCCESS", "");
        var committer = new OutputCommitter(Output, overwrite: true, "job1");
        committer.SetupJob();
        WriteTask(committer, 0, 0, "new");
        committer.CommitTask(0, 0);

        committer.AbortJob();

        Assert.Equal(["_SUCCESS", "part-00000"], Listing(Output));
        Assert.Equal("old", File.ReadAllText(Path.Combine(Output, "part-00000")));
        Assert.Empty(TempLeftovers());
    }

    [Fact]
    public void SetupJob_StagingDirectory_IsHiddenSiblingOfOutput()
    {
        var committer = new OutputCommitter(_dir.Combine("nested", "out") + "/", overwrite: false, "j-7");

        committer.SetupJob();

        Assert.Equal(_dir.Combine("nested", ".out.dataflow-j-7.tmp"), committer.StagingPath);
        Assert.True(Directory.Exists(committer.StagingPath));
        committer.AbortJob();
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Combine("nested")));
    }
}

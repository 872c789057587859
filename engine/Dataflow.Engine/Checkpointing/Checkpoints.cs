using Dataflow.Dependencies;
using Dataflow.Execution;
using Microsoft.Extensions.Logging;

namespace Dataflow.Checkpointing;

/// <summary>
/// A context's checkpoints: the directory reliable ones go to, the RDDs marked for one, and the step after every job
/// that takes the checkpoints of the marked RDDs the job computed (Spark's <c>RDD.doCheckpoint</c>). Files live under
/// <c>&lt;directory&gt;/&lt;context&gt;/</c> and are deleted with the context unless <c>Dataflow:Checkpoint:Keep</c>.
/// </summary>
/// <remarks>Spark: the checkpoint half of SparkContext and RDDCheckpointData</remarks>
internal sealed class Checkpoints
{
    private readonly DataflowContext _context;
    private readonly string _contextName;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly HashSet<int> _taking = [];
    private string? _root;
    private int _pending;

    public Checkpoints(DataflowContext context, string contextName)
    {
        _context = context;
        _contextName = contextName;
        _logger = context.LoggerFactory.CreateLogger<Checkpoints>();
        if (context.Options.Checkpoint.Directory is { } directory)
        {
            _root = Path.GetFullPath(directory);
        }
    }

    /// <summary>The directory set for reliable checkpoints, or <c>null</c>.</summary>
    public string? Directory
    {
        get
        {
            lock (_lock)
            {
                return _root;
            }
        }
    }

    /// <summary>This context's folder under the checkpoint directory: where its RDDs' checkpoints are written.</summary>
    public string? ContextDirectory => Directory is { } root ? Path.Combine(root, _contextName) : null;

    public void SetDirectory(string directory)
    {
        var full = Path.GetFullPath(directory);
        try
        {
            System.IO.Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"Checkpoint directory '{full}' cannot be created: {e.Message} Choose a writable directory (shared storage on a cluster).", e);
        }

        lock (_lock)
        {
            _root = full;
        }
    }

    /// <summary>Whether some RDD is marked for a checkpoint not yet taken.</summary>
    public bool HasPending => Volatile.Read(ref _pending) > 0;

    /// <summary>Marks <paramref name="rdd"/> for a checkpoint taken after the next job that computes it.</summary>
    public void Request(RddBase rdd, CheckpointState pending)
    {
        if (rdd.Checkpoint is null)
        {
            Interlocked.Increment(ref _pending);
        }

        rdd.SetCheckpoint(pending);
    }

    /// <summary>
    /// Takes the checkpoints of the marked RDDs in the lineage of a job's final RDD, nearest first; the lineage above a
    /// marked RDD is not searched (its checkpoint cuts it). A checkpoint being taken by another job is left to it.
    /// </summary>
    public async Task AfterJobAsync(RddBase final, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _pending) == 0)
        {
            return;
        }

        var marked = Lineage.Walk(final, acrossShuffles: true, stopAt: static r => r.Checkpoint is not null)
            .Where(static r => r.Checkpoint is { IsMaterialized: false })
            .ToList();
        foreach (var rdd in marked)
        {
            lock (_lock)
            {
                if (!_taking.Add(rdd.Id))
                {
                    continue;
                }
            }

            try
            {
                await rdd.TakeCheckpointAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Decrement(ref _pending);
                _context.Cleaner.RegisterRdd(rdd);
            }
            finally
            {
                lock (_lock)
                {
                    _taking.Remove(rdd.Id);
                }
            }
        }
    }

    /// <summary>The partitions of <paramref name="rdd"/> no block manager holds (what a local checkpoint must still compute).</summary>
    public List<int> UnstoredPartitions(RddBase rdd)
    {
        var local = _context.Environment.BlockManager.StoredPartitions(rdd.Id).ToHashSet();
        return [.. Enumerable.Range(0, rdd.NumPartitions).Where(p => !local.Contains(p) && !_context.BlockLocations.Contains(new Storage.RddBlockId(rdd.Id, p)))];
    }

    /// <summary>Deletes one RDD's checkpoint files (it is unreachable), unless they are to be kept.</summary>
    public void DeleteFiles(string rddDirectory)
    {
        if (_context.Options.Checkpoint.Keep)
        {
            return;
        }

        try
        {
            IO.OutputCommitter.DeleteDirectory(rddDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Checkpoint files '{Directory}' could not be deleted: {Reason}", rddDirectory, e.Message);
        }
    }

    /// <summary>Deletes this context's checkpoint files when it ends, unless <c>Dataflow:Checkpoint:Keep</c> is set.</summary>
    public void DeleteAll()
    {
        if (ContextDirectory is { } directory && System.IO.Directory.Exists(directory))
        {
            DeleteFiles(directory);
        }
    }

    /// <summary>The error of a task that needs a lost partition of a local checkpoint.</summary>
    public static CheckpointException LocalPartitionLost(RddBase rdd, int partition, TaskContext context) => new(
        $"Partition {partition} of RDD {rdd.Id} ({rdd.Name ?? rdd.CallSite.ToString()}) was locally checkpointed and its block is gone " +
        $"(lost with the executor that held it, or unpersisted); executor {context.Environment.ExecutorId} cannot recompute it because " +
        "LocalCheckpoint cut its lineage. A local checkpoint is not fault-tolerant: use Checkpoint() with SetCheckpointDirectory " +
        "(a reliable checkpoint on shared storage) when executors may be lost.");
}

using System.Collections.Concurrent;
using Dataflow.Cluster.Grains;

namespace Dataflow.Cluster.Driver;

/// <summary>The driver's view of one worker's executor: its grain and what was uploaded to it.</summary>
internal sealed class RemoteExecutor(IExecutorGrain grain, IBlockServiceGrain blocks, ExecutorInfo info, AppTicket app)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _uploads = new(StringComparer.Ordinal);

    public IExecutorGrain Grain { get; } = grain;

    public IBlockServiceGrain Blocks { get; } = blocks;

    public ExecutorInfo Info { get; } = info;

    public string Id => Info.ExecutorId;

    /// <summary>False once the worker left the cluster or stopped answering; no task is placed on it again.</summary>
    public bool Alive { get; set; } = true;

    /// <summary>Cancelled when the executor is lost, failing the calls in flight to it.</summary>
    public CancellationTokenSource Lost { get; } = new();

    /// <summary>Uploads a blob once (concurrent callers share the upload), in chunks.</summary>
    public Task EnsureBlobAsync(string key, byte[] bytes) =>
        _uploads.GetOrAdd(key, k => new Lazy<Task>(() => UploadAsync(k, bytes))).Value;

    /// <summary>
    /// Whether a small blob should travel with the next call that needs it (<c>TaskLaunch.Payload</c>): true until a call
    /// that carried it has returned (<see cref="ConfirmInline"/>) or an upload of it has ended. Either way the blob is
    /// recorded as sent, so that <see cref="ForgetBlob"/> has the worker drop it.
    /// </summary>
    public bool SendInline(string key)
    {
        var entry = _uploads.GetOrAdd(key, static _ => new Lazy<Task>(() => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously).Task));
        return !entry.Value.IsCompletedSuccessfully;
    }

    /// <summary>A call that carried the blob has returned: the worker holds it, later calls need not carry it.</summary>
    public void ConfirmInline(string key)
    {
        if (_uploads.TryGetValue(key, out var entry) && !entry.Value.IsCompleted)
        {
            _uploads.TryUpdate(key, new Lazy<Task>(Task.CompletedTask), entry);
        }
    }

    /// <summary>Forgets that a blob was uploaded (the worker is told to drop it); true if it was.</summary>
    public bool ForgetBlob(string key) => _uploads.TryRemove(key, out _);

    /// <summary>The keys of the blobs uploaded to this executor (for tests).</summary>
    public IReadOnlyCollection<string> UploadedBlobs => [.. _uploads.Keys];

    private async Task UploadAsync(string key, byte[] bytes)
    {
        for (long offset = 0; offset < bytes.LongLength || offset == 0; offset += ClusterLimits.ChunkBytes)
        {
            var n = (int)Math.Min(ClusterLimits.ChunkBytes, bytes.LongLength - offset);
            await Grain.PutBlobChunk(app, key, offset, bytes.LongLength, bytes.AsSpan((int)offset, n).ToArray()).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }
        }
    }
}

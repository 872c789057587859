using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Dataflow.Scheduling;

/// <summary>
/// Delivers events to listeners asynchronously, in order, so that a slow listener never holds up scheduling.
/// <see cref="FlushAsync"/> waits until everything posted so far has been delivered.
/// </summary>
/// <remarks>Spark: LiveListenerBus</remarks>
public sealed class ListenerBus : IAsyncDisposable
{
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Task _loop;
    private volatile IDataflowListener[] _listeners = [];

    internal ListenerBus(ILogger logger)
    {
        _logger = logger;
        _loop = Task.Run(DeliverAsync);
    }

    /// <summary>Adds a listener; it receives events posted from now on.</summary>
    public void Add(IDataflowListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_queue)
        {
            _listeners = [.. _listeners, listener];
        }
    }

    /// <summary>Removes a listener.</summary>
    public void Remove(IDataflowListener listener)
    {
        lock (_queue)
        {
            _listeners = [.. _listeners.Where(l => !ReferenceEquals(l, listener))];
        }
    }

    /// <summary>Completes when every event posted before the call has been delivered.</summary>
    public Task FlushAsync()
    {
        var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite(marker) ? marker.Task : Task.CompletedTask;
    }

    internal void Post(DataflowEvent e) => _queue.Writer.TryWrite(e);

    /// <summary>Accepts no more events; those posted are still delivered (for a context whose construction failed).</summary>
    internal void Complete() => _queue.Writer.TryComplete();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task DeliverAsync()
    {
        await foreach (var item in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (item is TaskCompletionSource marker)
            {
                marker.TrySetResult();
                continue;
            }

            foreach (var listener in _listeners)
            {
                try
                {
                    listener.OnEvent((DataflowEvent)item);
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "Listener {Listener} failed on {Event}", listener.GetType().Name, item.GetType().Name);
                }
            }
        }
    }
}

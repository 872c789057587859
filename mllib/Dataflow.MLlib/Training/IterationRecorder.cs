using System.Diagnostics;

namespace Dataflow.MLlib.Training;

/// <summary>
/// Cuts a training run into per-iteration <see cref="IterationTimings"/>: the passes over the data
/// (<see cref="BlockPass"/>) report their <see cref="PassTiming"/> here, the trainer calls
/// <see cref="EndIteration"/> after each optimizer iteration (or k-means step), and <see cref="CompleteAsync"/>
/// reads the scheduler's events for those passes and returns the timings. Not tied to a model: logistic and linear
/// regression record their objective evaluations, k-means its assignment passes.
/// </summary>
/// <remarks>
/// <para>Phases are consecutive on the driver's clock. A pass runs from <c>Started</c> to <c>Ended</c>:
/// broadcast = (Started → Broadcasted) + (Aggregated → Ended), scheduling = Broadcasted → first task start,
/// compute = first task start → kernel stage completed, aggregate = → Aggregated. Event times are clamped into
/// [Broadcasted, Aggregated], so a pass's phases add up to its length exactly. Driver time is what lies between an
/// iteration's boundaries outside its passes, measured as those gaps. The wall time is measured separately, on a
/// <see cref="Stopwatch"/>, so comparing the two checks that no phase is lost or counted twice.</para>
/// <para>Event timestamps come from the context's <see cref="TimeProvider"/>, which must be the system clock (the
/// default) for the phases to be meaningful.</para>
/// <para>Memory: one small record per pass until <see cref="CompleteAsync"/>; a long run grows only by its history.</para>
/// </remarks>
internal sealed class IterationRecorder : IAsyncDisposable
{
    private readonly DataflowContext _context;
    private readonly JobTimingListener _listener = new();
    private readonly List<PendingIteration> _iterations = [];
    private List<PassTiming> _passes = [];
    private DateTimeOffset _boundary;
    private long _boundaryTimestamp;
    private bool _attached;

    /// <summary>Attaches to <paramref name="context"/>'s listener bus; the first iteration starts now.</summary>
    public IterationRecorder(DataflowContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        context.Listeners.Add(_listener);
        _attached = true;
        Restart();
    }

    /// <summary>The clock the driver's timestamps are read from.</summary>
    public static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    /// <summary>Iterations ended so far.</summary>
    public int Count => _iterations.Count;

    /// <summary>
    /// Starts the next iteration now, forgetting passes made since the last boundary (initialisation work that belongs
    /// to no iteration, such as k-means|| seeding).
    /// </summary>
    public void Restart()
    {
        _passes = [];
        _boundary = Now;
        _boundaryTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>Records a pass over the data made in the current iteration.</summary>
    public void AddPass(PassTiming pass) => _passes.Add(pass);

    /// <summary>Ends the current iteration (its passes so far) with its objective; the next starts now.</summary>
    public void EndIteration(int iteration, double objective)
    {
        var end = Now;
        var wall = Stopwatch.GetElapsedTime(_boundaryTimestamp).TotalSeconds;
        _iterations.Add(new PendingIteration(iteration, objective, _boundary, end, wall, _passes));
        _passes = [];
        _boundary = end;
        _boundaryTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Waits until the listener has seen every event of the recorded passes, detaches from the bus and returns one
    /// <see cref="IterationTimings"/> per ended iteration.
    /// </summary>
    public async Task<IReadOnlyList<IterationTimings>> CompleteAsync()
    {
        await _context.Listeners.FlushAsync().ConfigureAwait(false);
        var result = _iterations.Select(Resolve).ToList();
        await DisposeAsync().ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_attached)
        {
            _attached = false;
            _context.Listeners.Remove(_listener);
            _listener.Clear();
        }

        return ValueTask.CompletedTask;
    }

    private IterationTimings Resolve(PendingIteration iteration)
    {
        double broadcast = 0, scheduling = 0, compute = 0, aggregate = 0, passTotal = 0, kernel = 0, fetch = 0;
        long broadcastBytes = 0, partialBytes = 0;
        var transfers = default(Kernels.TransferCounts);
        foreach (var pass in iteration.Passes)
        {
            var times = pass.JobId >= 0 ? _listener.Take(pass.JobId) : null;
            var firstTask = Clamp(times?.FirstTaskStarted ?? pass.Broadcasted, pass.Broadcasted, pass.Aggregated);
            var stageEnd = times is not null && times.StagesCompleted.TryGetValue(pass.StageId, out var completed)
                ? Clamp(completed, firstTask, pass.Aggregated)
                : firstTask;
            broadcast += Seconds(pass.Started, pass.Broadcasted) + Seconds(pass.Aggregated, pass.Ended);
            scheduling += Seconds(pass.Broadcasted, firstTask);
            compute += Seconds(firstTask, stageEnd);
            aggregate += Seconds(stageEnd, pass.Aggregated);
            passTotal += Seconds(pass.Started, pass.Ended);
            kernel += pass.MaxKernelSeconds;
            fetch += pass.MaxFetchSeconds;
            broadcastBytes += pass.BroadcastBytes;
            partialBytes += pass.PartialResultBytes;
            transfers += pass.DeviceTransfers;
        }

        // The driver's share: the iteration's span on the same clock, less the passes inside it.
        var driver = Math.Max(0, Seconds(iteration.Start, iteration.End) - passTotal);
        return new IterationTimings(iteration.Iteration, iteration.Objective, iteration.Passes.Count, iteration.WallSeconds,
            broadcast, scheduling, compute, aggregate, driver, kernel, fetch, broadcastBytes, partialBytes, transfers);
    }

    private static DateTimeOffset Clamp(DateTimeOffset value, DateTimeOffset low, DateTimeOffset high) =>
        value < low ? low : value > high ? high : value;

    private static double Seconds(DateTimeOffset from, DateTimeOffset to) => Math.Max(0, (to - from).TotalSeconds);

    private sealed record PendingIteration(int Iteration, double Objective, DateTimeOffset Start, DateTimeOffset End, double WallSeconds,
        List<PassTiming> Passes);
}

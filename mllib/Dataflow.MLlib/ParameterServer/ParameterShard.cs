using Dataflow.MLlib.Optimization;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// One range of a model's keys on a parameter server: the values and the server-side updater's state, per-worker
/// clocks, and the consistency rule that decides what each read sees and when it may be served. A plain, thread-safe
/// class: in local mode the workers' clients call it directly; in cluster mode a thin grain wraps one per shard.
/// </summary>
/// <remarks>
/// <para><b>How updates are applied.</b> The shard keeps the <i>committed</i> rows, which hold exactly the updates
/// of clocks below the slowest worker's clock (<see cref="MinClock"/>), applied clock by clock and, within a clock,
/// by worker id (a worker's own pushes in the order they came). Updates of later clocks are kept apart, per clock and
/// worker, until the slowest worker passes them; so the committed rows never depend on timing, a snapshot at clock k is
/// the committed rows when the slowest clock reaches k, and runs are reproducible where the consistency model allows.</para>
/// <para><b>What a read sees.</b> A read by worker w at clock c is the committed rows plus, in the same (clock,
/// worker) order, the pending updates of clocks &lt; c from everyone and all of w's own (under ASP: every pending
/// update; the shard keeps those rows ready, updated by each push, so an ASP read costs its keys however far the
/// fastest worker is ahead, and what ASP workers read is always a prefix of what is committed). Under <c>ssp:S</c> it is served once the slowest clock is ≥ c − S, so it includes every update of clocks
/// ≤ c − S − 1; under BSP that is every update of clocks &lt; c and nothing later from others, the serial result.</para>
/// <para><b>Blocking.</b> A read the bound does not allow yet is parked (no polling) and served by the
/// <see cref="Clock"/> call that lifts the slowest clock far enough; the time it waited is measured on the shard's
/// <see cref="TimeProvider"/> and returned in its <see cref="PullReply"/>.</para>
/// </remarks>
public sealed partial class ParameterShard : IParameterShard
{
    private readonly Lock _lock = new();
    private readonly int[] _clocks;
    private readonly Consistency _consistency;
    private readonly TimeProvider _time;
    private readonly List<ClockUpdates> _pending = [];
    private readonly List<Waiter> _waiters = [];
    private readonly Dictionary<int, int> _touches = [];
    private readonly bool[] _touchedBy;
    private ShardRows _rows;

    // ASP only: the committed rows plus every pending update in (clock, worker) order, kept up to date by each push,
    // so an ASP read is served from it at the cost of its keys (see UpdateViewLocked).
    private ShardRows? _view;
    private int _minClock;
    private long _served;
    private long _blocked;

    /// <summary>A shard holding keys <paramref name="firstKey"/> … + <paramref name="count"/> − 1.</summary>
    /// <param name="id">The shard's index (names its snapshot files).</param>
    /// <param name="firstKey">The first key.</param>
    /// <param name="count">The number of keys, ≥ 1.</param>
    /// <param name="settings">Workers, consistency, updater, storage and snapshots.</param>
    /// <param name="time">The clock that measures waiting; default the system's.</param>
    public ParameterShard(int id, int firstKey, int count, ShardSettings settings, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfNegative(firstKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Id = id;
        FirstKey = firstKey;
        Count = count;
        Settings = settings;
        Updater = settings.Updater.Build();
        _consistency = Consistency.Parse(settings.Consistency);
        _time = time ?? TimeProvider.System;
        _clocks = new int[settings.Workers];
        _touchedBy = new bool[settings.Workers];
        _rows = ShardRows.Create(settings.Sparse, firstKey, count, Updater);
        _view = _consistency.IsAsynchronous ? ShardRows.Create(settings.Sparse, firstKey, count, Updater) : null;
    }

    /// <summary>The shard's index.</summary>
    public int Id { get; }

    /// <inheritdoc />
    public int FirstKey { get; }

    /// <inheritdoc />
    public int Count { get; }

    /// <summary>The run's settings.</summary>
    public ShardSettings Settings { get; }

    /// <summary>The server-side updater.</summary>
    public IUpdater Updater { get; }

    /// <summary>The slowest worker's clock: every update of clocks below it is committed.</summary>
    public int MinClock
    {
        get
        {
            lock (_lock)
            {
                return _minClock;
            }
        }
    }

    /// <summary>Reads served so far (one per pull chunk).</summary>
    public long ReadsServed => Interlocked.Read(ref _served);

    /// <summary>Reads that had to wait at the staleness bound.</summary>
    public long ReadsBlocked => Interlocked.Read(ref _blocked);

    /// <summary>How many times worker <paramref name="worker"/> has called <see cref="Clock"/>.</summary>
    public int ClockOf(int worker)
    {
        lock (_lock)
        {
            return _clocks[CheckWorker(worker)];
        }
    }

    /// <summary>
    /// Adds worker <paramref name="worker"/>'s gradients for the strictly ascending <paramref name="keys"/> to its
    /// current clock <paramref name="clock"/>; they are applied when the slowest worker passes that clock.
    /// </summary>
    public void Push(int worker, int clock, int[] keys, double[] gradients)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(gradients);
        if (gradients.Length != keys.Length)
        {
            throw new ArgumentException($"A push needs one gradient per key: {keys.Length} keys, {gradients.Length} gradients.", nameof(gradients));
        }

        for (var j = 0; j < keys.Length; j++)
        {
            if ((uint)(keys[j] - FirstKey) >= (uint)Count || (j > 0 && keys[j] <= keys[j - 1]))
            {
                throw new ArgumentException($"Shard {Id} holds keys {FirstKey} … {FirstKey + Count - 1} and takes them strictly ascending; got key {keys[j]}.", nameof(keys));
            }
        }

        lock (_lock)
        {
            CheckClock(worker, clock);
            var slot = clock - _minClock;
            while (_pending.Count <= slot)
            {
                _pending.Add(new ClockUpdates(_clocks.Length));
            }

            _pending[slot].ByWorker[worker].Add(new Update(keys, gradients));
            UpdateViewLocked(worker, slot, keys, gradients, clock + 1L);
        }
    }

    /// <summary>
    /// Ends worker <paramref name="worker"/>'s current clock. When that lifts the slowest clock, the updates of the
    /// clocks passed are committed (a snapshot is written at multiples of <see cref="ShardSettings.SnapshotEvery"/>, shifted by <see cref="ShardSettings.SnapshotOffset"/>)
    /// and the reads that can now be served are.
    /// </summary>
    public void Clock(int worker)
    {
        List<ShardSnapshot>? snapshots = null;
        List<(Waiter Waiter, double[] Values, PullReply Reply)>? ready = null;
        lock (_lock)
        {
            _clocks[CheckWorker(worker)]++;
            var slowest = _clocks.Min();
            while (_minClock < slowest)
            {
                CommitOldestClock();
                if (Settings.SnapshotEvery > 0 && (_minClock - Settings.SnapshotOffset) % Settings.SnapshotEvery == 0)
                {
                    (snapshots ??= []).Add(SnapshotLocked());
                }
            }

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var waiter = _waiters[i];
                if (waiter.Completion.Task.IsCompleted)
                {
                    _waiters.RemoveAt(i);
                }
                else if (_minClock >= waiter.Required)
                {
                    _waiters.RemoveAt(i);
                    var wait = _time.GetElapsedTime(waiter.Started);
                    var values = ReadLocked(waiter.Worker, waiter.Clock, waiter.Keys);
                    (ready ??= []).Add((waiter, values, new PullReply(_minClock, wait.Ticks, Blocked: true)));
                }
            }
        }

        foreach (var snapshot in snapshots ?? [])
        {
            snapshot.WriteTo(Settings.SnapshotDirectory!, Settings.KeepSnapshots);
        }

        // Completed outside the lock: the continuations run on their own threads (RunContinuationsAsynchronously).
        foreach (var (waiter, values, reply) in ready ?? [])
        {
            waiter.Completion.TrySetResult((values, reply));
        }
    }

    /// <summary>The committed values of keys <c>FirstKey + offset</c> … + <paramref name="count"/> − 1, in float64.</summary>
    public double[] Read(int offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)offset + count, Count, nameof(count));
        var values = new double[count];
        lock (_lock)
        {
            Span<double> state = stackalloc double[Updater.StatePerEntry];
            for (var i = 0; i < count; i++)
            {
                values[i] = _rows.Read(FirstKey + offset + i, state);
            }
        }

        return values;
    }

    // Applies the oldest pending clock (clock _minClock) worker by worker, then moves the slowest clock on.
    private void CommitOldestClock()
    {
        if (_pending.Count > 0)
        {
            var t = _minClock + 1L;
            foreach (var updates in _pending[0].ByWorker)
            {
                foreach (var update in updates)
                {
                    _rows.Apply(update.Keys, update.Gradients, t);
                }
            }

            _pending.RemoveAt(0);
        }

        _minClock++;
    }

    private int CheckWorker(int worker) => (uint)worker < (uint)_clocks.Length
        ? worker
        : throw new ArgumentOutOfRangeException(nameof(worker), worker, $"Shard {Id} serves workers 0 … {_clocks.Length - 1}.");

    private void CheckClock(int worker, int clock)
    {
        if (_clocks[CheckWorker(worker)] != clock)
        {
            throw new InvalidOperationException(
                $"Worker {worker} is at clock {_clocks[worker]} on shard {Id} but sent a message for clock {clock}; a client must clock every shard before its next read or push.");
        }
    }

    private sealed record Update(int[] Keys, double[] Gradients);

    private sealed class ClockUpdates(int workers)
    {
        public List<Update>[] ByWorker { get; } = Enumerable.Range(0, workers).Select(_ => new List<Update>()).ToArray();
    }

    private sealed record Waiter(int Worker, int Clock, int[] Keys, int Required, long Started,
        TaskCompletionSource<(double[] Values, PullReply Reply)> Completion);
}

namespace Dataflow.MLlib.ParameterServer;

public sealed partial class ParameterShard
{
    /// <summary>
    /// The values of the strictly ascending <paramref name="keys"/> as worker <paramref name="worker"/> at clock
    /// <paramref name="clock"/> (its current clock) may read them: served at once when the slowest worker is within the
    /// bound, else when the <see cref="Clock"/> call that brings it there comes.
    /// </summary>
    public Task<(double[] Values, PullReply Reply)> PullAsync(int worker, int clock, int[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        for (var j = 0; j < keys.Length; j++)
        {
            if ((uint)(keys[j] - FirstKey) >= (uint)Count || (j > 0 && keys[j] <= keys[j - 1]))
            {
                throw new ArgumentException($"Shard {Id} holds keys {FirstKey} … {FirstKey + Count - 1} and takes them strictly ascending; got key {keys[j]}.", nameof(keys));
            }
        }

        Interlocked.Increment(ref _served);
        lock (_lock)
        {
            CheckClock(worker, clock);
            if (_consistency.RequiredMinClock(clock) is not { } required || _minClock >= required)
            {
                return Task.FromResult((ReadLocked(worker, clock, keys), new PullReply(_minClock, 0, Blocked: false)));
            }

            Interlocked.Increment(ref _blocked);
            var completion = new TaskCompletionSource<(double[] Values, PullReply Reply)>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add(new Waiter(worker, clock, keys, required, _time.GetTimestamp(), completion));
            if (cancellationToken.CanBeCanceled)
            {
                var registration = cancellationToken.Register(() => completion.TrySetCanceled(cancellationToken));
                _ = completion.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            return completion.Task;
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> PullAsync(int worker, int clock, byte[] request, CancellationToken cancellationToken = default)
    {
        var keys = PsWire.DecodeKeys(request, out var consumed);
        if (consumed != request.Length)
        {
            throw new FormatException($"Shard {Id}: a pull request carries keys only, but {request.Length - consumed} bytes follow them.");
        }

        var (values, reply) = await PullAsync(worker, clock, keys, cancellationToken).ConfigureAwait(false);
        return PsWire.EncodeReply(reply, values);
    }

    /// <inheritdoc />
    public Task PushAsync(int worker, int clock, byte[] push)
    {
        var (keys, gradients) = PsWire.DecodePush(push);
        Push(worker, clock, keys, gradients);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ClockAsync(int worker)
    {
        Clock(worker);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<double[]> ReadAsync(int offset, int count) => Task.FromResult(Read(offset, count));

    /// <inheritdoc />
    public Task AddTouchesAsync(int worker, byte[] keys)
    {
        var decoded = PsWire.DecodeKeys(keys, out _);
        lock (_lock)
        {
            // Once per worker: a retried stage attempt registers again, and must not count twice.
            if (!_touchedBy[CheckWorker(worker)])
            {
                _touchedBy[worker] = true;
                foreach (var key in decoded)
                {
                    _touches[key] = _touches.GetValueOrDefault(key) + 1;
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<byte[]> TouchCountsAsync(byte[] keys)
    {
        var decoded = PsWire.DecodeKeys(keys, out _);
        var counts = new double[decoded.Length];
        lock (_lock)
        {
            for (var j = 0; j < decoded.Length; j++)
            {
                counts[j] = _touches.GetValueOrDefault(decoded[j]);
            }
        }

        return Task.FromResult(PsWire.EncodeReply(new PullReply(0, 0, false), counts));
    }

    // The read rule (see the class remarks). ASP: the view, which holds every pending update in order. SSP/BSP:
    // the committed rows, then the visible pending updates in (clock, worker) order, each stepped by the updater on a
    // private copy of the row; an update is walked against the (ascending) keys read in one merge pass, so a read costs
    // its keys plus the pending updates inside the window, not keys × updates × a search.
    private double[] ReadLocked(int worker, int clock, int[] keys)
    {
        var values = new double[keys.Length];
        var spe = Updater.StatePerEntry;
        if (_view is { } view)
        {
            Span<double> scratch = stackalloc double[spe];
            for (var j = 0; j < keys.Length; j++)
            {
                values[j] = view.Read(keys[j], scratch);
            }

            return values;
        }

        var states = new double[keys.Length * spe];
        for (var j = 0; j < keys.Length; j++)
        {
            values[j] = _rows.Read(keys[j], states.AsSpan(j * spe, spe));
        }

        for (var slot = 0; slot < _pending.Count; slot++)
        {
            var slotClock = _minClock + slot;
            var byWorker = _pending[slot].ByWorker;
            for (var w = 0; w < byWorker.Length; w++)
            {
                if (slotClock >= clock && w != worker)
                {
                    continue;
                }

                foreach (var update in byWorker[w])
                {
                    StepVisible(update, keys, values, states, slotClock + 1L);
                }
            }
        }

        return values;
    }

    // Steps the entries of the read keys that the update touches: a merge of two ascending key lists (a search per read
    // key instead when the update is much longer than the read).
    private void StepVisible(Update update, int[] keys, double[] values, double[] states, long t)
    {
        var spe = Updater.StatePerEntry;
        var updateKeys = update.Keys;
        if (keys.Length * 16L < updateKeys.Length)
        {
            for (var j = 0; j < keys.Length; j++)
            {
                var at = Array.BinarySearch(updateKeys, keys[j]);
                if (at >= 0)
                {
                    _rows.StepCopy(ref values[j], states.AsSpan(j * spe, spe), keys[j], update.Gradients[at], t);
                }
            }

            return;
        }

        var i = 0;
        var k = 0;
        while (i < updateKeys.Length && k < keys.Length)
        {
            var (a, b) = (updateKeys[i], keys[k]);
            if (a < b)
            {
                i++;
            }
            else if (a > b)
            {
                k++;
            }
            else
            {
                _rows.StepCopy(ref values[k], states.AsSpan(k * spe, spe), b, update.Gradients[i], t);
                i++;
                k++;
            }
        }
    }

    // ASP: brings the view up to date with a push just added to pending slot `slot` by `worker`. When it is the last
    // update in (clock, worker) order (the usual case: the pusher is at the newest clock) it is stepped onto the view;
    // when it lands before others (a lagging worker's), its keys are recomputed from the committed rows through every
    // pending update in order. Either way the view is exactly the committed rows plus all pending updates, in order.
    private void UpdateViewLocked(int worker, int slot, int[] keys, double[] gradients, long t)
    {
        if (_view is not { } view)
        {
            return;
        }

        var last = slot == _pending.Count - 1;
        for (var w = worker + 1; last && w < _clocks.Length; w++)
        {
            last = _pending[slot].ByWorker[w].Count == 0;
        }

        if (last)
        {
            view.Apply(keys, gradients, t);
            return;
        }

        var spe = Updater.StatePerEntry;
        var values = new double[keys.Length];
        var states = new double[keys.Length * spe];
        for (var j = 0; j < keys.Length; j++)
        {
            values[j] = _rows.Read(keys[j], states.AsSpan(j * spe, spe));
        }

        for (var s = 0; s < _pending.Count; s++)
        {
            foreach (var updates in _pending[s].ByWorker)
            {
                foreach (var update in updates)
                {
                    StepVisible(update, keys, values, states, _minClock + s + 1L);
                }
            }
        }

        for (var j = 0; j < keys.Length; j++)
        {
            view.Write(keys[j], values[j], states.AsSpan(j * spe, spe));
        }
    }
}

namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// A worker's handle on the parameter server: <see cref="PullAsync"/> the keys a mini-batch needs, compute,
/// <see cref="PushAsync"/> the gradients, <see cref="ClockAsync"/>. Keys are split by shard range and cut into
/// <see cref="PsWire"/> chunks; the messages to different shards travel at the same time. Reads inside the
/// consistency bound come from the worker's <see cref="PsClientCache"/>. One client per worker, used by one thread.
/// </summary>
/// <remarks>Counters: bytes of the serialised messages sent and received (requests and pushes out, replies in), pull
/// messages sent, keys served from the cache, and the time blocked at the staleness bound per clock.</remarks>
public sealed class PsClient
{
    private readonly IReadOnlyList<IParameterShard> _shards;
    private readonly KeyRanges _ranges;
    private readonly int _keysPerChunk;
    private readonly List<double> _waitPerClock = [];
    private double _waitThisClock;

    /// <summary>A client for worker <paramref name="worker"/>, starting at <paramref name="clock"/>.</summary>
    public PsClient(int worker, KeyRanges ranges, IReadOnlyList<IParameterShard> shards, Consistency consistency, PsClientCache? cache = null,
        int clock = 0, int maxChunkBytes = PsWire.MaxChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(consistency);
        if (shards.Count != ranges.Shards)
        {
            throw new ArgumentException($"The key ranges have {ranges.Shards} shards but {shards.Count} were given.", nameof(shards));
        }

        Worker = worker;
        _ranges = ranges;
        _shards = shards;
        Consistency = consistency;
        Cache = cache ?? new PsClientCache();
        Clock = clock;
        _keysPerChunk = PsWire.KeysPerChunk(maxChunkBytes);
    }

    /// <summary>The worker's id.</summary>
    public int Worker { get; }

    /// <summary>The consistency model.</summary>
    public Consistency Consistency { get; }

    /// <summary>The worker's cache.</summary>
    public PsClientCache Cache { get; }

    /// <summary><see cref="ClockAsync"/> calls so far (from the starting clock).</summary>
    public int Clock { get; private set; }

    /// <summary>Serialised request and push bytes sent.</summary>
    public long BytesSent { get; private set; }

    /// <summary>Serialised reply bytes received.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Pull messages sent (round trips to a shard).</summary>
    public long PullMessages { get; private set; }

    /// <summary>Keys read from the cache without a round trip.</summary>
    public long CachedReads { get; private set; }

    /// <summary>Reads that waited at the staleness bound (one per blocked <see cref="PullAsync"/>).</summary>
    public int BlockedReads { get; private set; }

    /// <summary>The largest staleness a pull saw: its clock minus the clock its values reflect (the slowest worker's).</summary>
    public int MaxStaleness { get; private set; }

    /// <summary>Seconds blocked at the staleness bound, summed.</summary>
    public double WaitSeconds => _waitPerClock.Sum() + _waitThisClock;

    /// <summary>Seconds blocked at the bound in each clock ended so far.</summary>
    public IReadOnlyList<double> WaitSecondsPerClock => _waitPerClock;

    /// <summary>
    /// Reads the strictly ascending <paramref name="keys"/> into <paramref name="values"/>: from the cache where it is
    /// fresh enough, else from the shards (waiting as the consistency bound requires).
    /// </summary>
    public async Task PullAsync(int[] keys, double[] values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length < keys.Length)
        {
            throw new ArgumentException($"{keys.Length} keys need as many values, got room for {values.Length}.", nameof(values));
        }

        var missing = new List<int>();
        var positions = new List<int>();
        for (var j = 0; j < keys.Length; j++)
        {
            if (Cache.TryGet(keys[j], Clock, Consistency, out var cached))
            {
                values[j] = cached;
                CachedReads++;
            }
            else
            {
                missing.Add(keys[j]);
                positions.Add(j);
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        var chunks = Chunks(missing);
        var requests = chunks.Select(c => PsWire.EncodeKeys(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(missing).Slice(c.Start, c.Length))).ToArray();
        var clock = Clock;
        PullMessages += chunks.Count;
        BytesSent += requests.Sum(r => (long)r.Length);
        var replies = await Task.WhenAll(chunks.Select((c, i) => _shards[c.Shard].PullAsync(Worker, clock, requests[i], cancellationToken))).ConfigureAwait(false);
        var wait = 0L;
        var blocked = false;
        var buffer = new double[chunks.Count == 0 ? 0 : chunks.Max(c => c.Length)];
        for (var i = 0; i < chunks.Count; i++)
        {
            var (_, start, length) = chunks[i];
            BytesReceived += replies[i].Length;
            var reply = PsWire.DecodeReply(replies[i], buffer.AsSpan(0, length));
            wait = Math.Max(wait, reply.WaitTicks);
            MaxStaleness = Math.Max(MaxStaleness, clock - reply.ReflectedClock);
            blocked |= reply.Blocked;
            for (var j = 0; j < length; j++)
            {
                values[positions[start + j]] = buffer[j];
                Cache.Put(missing[start + j], buffer[j], reply.ReflectedClock, clock);
            }
        }

        if (blocked)
        {
            BlockedReads++;
        }

        _waitThisClock += (double)wait / TimeSpan.TicksPerSecond;
    }

    /// <summary>Pushes gradients for the strictly ascending <paramref name="keys"/> to the current clock.</summary>
    public async Task PushAsync(int[] keys, double[] gradients)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(gradients);
        if (gradients.Length != keys.Length)
        {
            throw new ArgumentException($"A push needs one gradient per key: {keys.Length} keys, {gradients.Length} gradients.", nameof(gradients));
        }

        Cache.Evict(keys);
        var chunks = Chunks(keys);
        var messages = chunks.Select(c => PsWire.EncodePush(keys.AsSpan(c.Start, c.Length), gradients.AsSpan(c.Start, c.Length))).ToArray();
        var clock = Clock;
        BytesSent += messages.Sum(m => (long)m.Length);
        await Task.WhenAll(chunks.Select((c, i) => _shards[c.Shard].PushAsync(Worker, clock, messages[i]))).ConfigureAwait(false);
    }

    /// <summary>Ends the current clock on every shard.</summary>
    public async Task ClockAsync()
    {
        await Task.WhenAll(_shards.Select(s => s.ClockAsync(Worker))).ConfigureAwait(false);
        Clock++;
        _waitPerClock.Add(_waitThisClock);
        _waitThisClock = 0;
    }

    /// <summary>Registers that this worker's data touches the strictly ascending <paramref name="keys"/>.</summary>
    public Task RegisterTouchesAsync(int[] keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var chunks = Chunks(keys);
        return Task.WhenAll(chunks.Select(c => _shards[c.Shard].AddTouchesAsync(Worker, PsWire.EncodeKeys(keys.AsSpan(c.Start, c.Length)))));
    }

    /// <summary>How many workers registered each of <paramref name="keys"/> (call after every worker registered).</summary>
    public async Task<int[]> TouchCountsAsync(int[] keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var chunks = Chunks(keys);
        var replies = await Task.WhenAll(chunks.Select(c => _shards[c.Shard].TouchCountsAsync(PsWire.EncodeKeys(keys.AsSpan(c.Start, c.Length))))).ConfigureAwait(false);
        var counts = new int[keys.Length];
        for (var i = 0; i < chunks.Count; i++)
        {
            var values = new double[chunks[i].Length];
            PsWire.DecodeReply(replies[i], values);
            for (var j = 0; j < values.Length; j++)
            {
                counts[chunks[i].Start + j] = (int)values[j];
            }
        }

        return counts;
    }

    /// <summary>The whole model (every key, committed values in float64), read range by range.</summary>
    public static async Task<double[]> ReadModelAsync(KeyRanges ranges, IReadOnlyList<IParameterShard> shards, int maxChunkBytes = PsWire.MaxChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(shards);
        var model = new double[ranges.Keys];
        var perChunk = Math.Max(1, maxChunkBytes / sizeof(double));
        for (var s = 0; s < ranges.Shards; s++)
        {
            for (var offset = 0; offset < ranges.Count(s); offset += perChunk)
            {
                var count = Math.Min(perChunk, ranges.Count(s) - offset);
                var values = await shards[s].ReadAsync(offset, count).ConfigureAwait(false);
                values.CopyTo(model, ranges.First(s) + offset);
            }
        }

        return model;
    }

    // Sorted keys cut at shard boundaries and at the chunk size: (shard, start, length) into the key list.
    private List<(int Shard, int Start, int Length)> Chunks(IReadOnlyList<int> keys)
    {
        var chunks = new List<(int Shard, int Start, int Length)>();
        var start = 0;
        while (start < keys.Count)
        {
            var shard = _ranges.ShardOf(keys[start]);
            var end = _ranges.First(shard + 1);
            var length = 1;
            while (start + length < keys.Count && keys[start + length] < end && length < _keysPerChunk)
            {
                length++;
            }

            chunks.Add((shard, start, length));
            start += length;
        }

        return chunks;
    }
}

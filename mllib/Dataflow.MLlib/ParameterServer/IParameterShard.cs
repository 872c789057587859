namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// One shard of a parameter server as the workers' clients see it: every message is a <see cref="PsWire"/> chunk, so
/// the in-process <see cref="ParameterShard"/> (local mode) and the Orleans grain that wraps one on a worker silo
/// (cluster mode) are used the same way and count the same bytes.
/// </summary>
public interface IParameterShard
{
    /// <summary>The first key the shard holds.</summary>
    int FirstKey { get; }

    /// <summary>How many keys the shard holds.</summary>
    int Count { get; }

    /// <summary>
    /// The values of the keys in <paramref name="request"/> (a keys chunk) as worker <paramref name="worker"/> at clock
    /// <paramref name="clock"/> may read them; completes when the consistency bound allows (as soon as the slowest
    /// worker catches up), with a reply chunk.
    /// </summary>
    Task<byte[]> PullAsync(int worker, int clock, byte[] request, CancellationToken cancellationToken = default);

    /// <summary>Adds worker <paramref name="worker"/>'s gradients (a push chunk) to clock <paramref name="clock"/>, its current clock.</summary>
    Task PushAsync(int worker, int clock, byte[] push);

    /// <summary>Ends worker <paramref name="worker"/>'s current clock.</summary>
    Task ClockAsync(int worker);

    /// <summary>Records, once per worker, that <paramref name="worker"/>'s data touches the keys of <paramref name="keys"/>.</summary>
    Task AddTouchesAsync(int worker, byte[] keys);

    /// <summary>For each key of <paramref name="keys"/>, how many workers registered it (varints, in order).</summary>
    Task<byte[]> TouchCountsAsync(byte[] keys);

    /// <summary>The values (float64) of keys <c>FirstKey + offset</c> … + <paramref name="count"/> − 1 with every
    /// update of clocks below the slowest worker's clock applied (ASP: every update that has arrived).</summary>
    Task<double[]> ReadAsync(int offset, int count);

    /// <summary>
    /// Resets the shard to its snapshot at clock <paramref name="clock"/> in its snapshot directory (0: the zero model at
    /// clock 0): every worker resumes from that clock and updates pushed since are dropped.
    /// </summary>
    Task RestoreAsync(int clock);
}

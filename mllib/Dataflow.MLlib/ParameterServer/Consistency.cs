using System.Globalization;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// The consistency model of a parameter-server run: how stale the values a worker reads may be. Clocks count from 0;
/// the updates a worker pushes between its c-th and (c+1)-th <c>Clock()</c> belong to clock c.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>ssp:S</c> (stale synchronous parallel): a worker that has called <c>Clock()</c> c times reads values that
/// include every update of clocks 0 … c − S − 1 from all workers, plus all of its own; its read blocks until the
/// slowest worker has called <c>Clock()</c> at least c − S times.</item>
/// <item><c>bsp</c> is <c>ssp:0</c>: reads include every update of clocks &lt; c, as in bulk synchronous training.</item>
/// <item><c>asp</c>: no bound; reads never wait and include whatever has arrived.</item>
/// </list>
/// Petuum Bösen's <c>SSPConsistencyController</c> is the model: the stalest clock a read accepts is clock − S.
/// </remarks>
public sealed class Consistency : IEquatable<Consistency>
{
    private Consistency(int? staleness) => Staleness = staleness;

    /// <summary>Bulk synchronous: <c>ssp:0</c>.</summary>
    public static Consistency Bsp { get; } = new(0);

    /// <summary>Asynchronous: no staleness bound.</summary>
    public static Consistency Asp { get; } = new(null);

    /// <summary>The staleness bound S, or null for <see cref="Asp"/>.</summary>
    public int? Staleness { get; }

    /// <summary>Whether reads are unbounded (ASP).</summary>
    public bool IsAsynchronous => Staleness is null;

    /// <summary>Stale synchronous parallel with bound <paramref name="staleness"/> (0 is BSP).</summary>
    public static Consistency Ssp(int staleness)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(staleness);
        return staleness == 0 ? Bsp : new Consistency(staleness);
    }

    /// <summary>Parses <c>bsp</c>, <c>asp</c> or <c>ssp:S</c> (S a whole number ≥ 0), case-insensitively.</summary>
    /// <exception cref="FormatException">Anything else; the message lists the accepted forms.</exception>
    public static Consistency Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim().ToLowerInvariant();
        if (value == "bsp")
        {
            return Bsp;
        }

        if (value == "asp")
        {
            return Asp;
        }

        if (value.StartsWith("ssp:", StringComparison.Ordinal)
            && int.TryParse(value.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var s))
        {
            return Ssp(s);
        }

        throw new FormatException($"The consistency must be bsp, asp or ssp:S with S a whole number ≥ 0 (e.g. ssp:3), got '{text}'.");
    }

    /// <summary>
    /// The least number of <c>Clock()</c> calls every worker must have made before a read at <paramref name="clock"/>
    /// may be served: c − S (reads then include every update of clocks ≤ c − S − 1); null under ASP.
    /// </summary>
    public int? RequiredMinClock(int clock) => Staleness is { } s ? clock - s : null;

    /// <summary>Whether values that include every update of clocks &lt; <paramref name="reflected"/> may serve a read at
    /// <paramref name="clock"/> (ASP: only values read in the same clock).</summary>
    public bool IsFreshEnough(int reflected, int clock, int pulledAt) =>
        Staleness is { } s ? reflected >= clock - s : pulledAt == clock;

    /// <inheritdoc />
    public override string ToString() => Staleness switch
    {
        null => "asp",
        0 => "bsp",
        var s => "ssp:" + s.Value.ToString(CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public bool Equals(Consistency? other) => other is not null && other.Staleness == Staleness;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Consistency);

    /// <inheritdoc />
    public override int GetHashCode() => Staleness ?? -1;
}

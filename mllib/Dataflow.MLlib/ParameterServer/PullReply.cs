namespace Dataflow.MLlib.ParameterServer;

/// <summary>What a shard says about the values of one pull besides the values themselves.</summary>
/// <param name="ReflectedClock">The values include every update of clocks &lt; this from every worker (the shard's
/// slowest clock when it served the read), plus the reader's own.</param>
/// <param name="WaitTicks">How long the read waited at the staleness bound, in <see cref="TimeSpan"/> ticks of the
/// shard's <see cref="TimeProvider"/>.</param>
/// <param name="Blocked">Whether the read had to wait for the slowest worker.</param>
public readonly record struct PullReply(int ReflectedClock, long WaitTicks, bool Blocked);

namespace Dataflow.MLlib.ParameterServer;

/// <summary>What one PS worker measured over its clocks (the task's result).</summary>
/// <param name="Worker">The worker (data partition).</param>
/// <param name="StartClock">The clock it started from (0, or a restored snapshot's).</param>
/// <param name="Clocks">The clock it reached.</param>
/// <param name="Rows">Rows of its partition.</param>
/// <param name="Keys">Distinct keys its data touches (with the intercept).</param>
/// <param name="BytesSent">Serialised pull requests and pushes sent.</param>
/// <param name="BytesReceived">Serialised pull replies received.</param>
/// <param name="PullMessages">Pull messages sent.</param>
/// <param name="CachedReads">Keys read from the client cache.</param>
/// <param name="BlockedReads">Reads that waited at the staleness bound.</param>
/// <param name="MaxStaleness">The largest gap between its clock and the slowest worker's that a pull saw.</param>
/// <param name="ComputeSeconds">Per clock: kernel time.</param>
/// <param name="CommunicationSeconds">Per clock: pull + push + clock messages, less the wait.</param>
/// <param name="WaitSeconds">Per clock: time blocked at the staleness bound.</param>
/// <param name="EndSeconds">Per clock: when it ended, in seconds from the barrier all workers passed before their first clock.</param>
/// <param name="BytesSentPerClock">Per clock: serialised pull requests and pushes sent.</param>
/// <param name="BytesReceivedPerClock">Per clock: serialised pull replies received.</param>
/// <param name="SlowdownSeconds">Per clock: the injected straggler sleep (<see cref="ClockSlowdown"/>), included in
/// <paramref name="ComputeSeconds"/>; 0 for a clock not slowed.</param>
public sealed record PsWorkerStats(int Worker, int StartClock, int Clocks, long Rows, int Keys, long BytesSent, long BytesReceived, long PullMessages,
    long CachedReads, int BlockedReads, int MaxStaleness, double[] ComputeSeconds, double[] CommunicationSeconds, double[] WaitSeconds,
    double[]? EndSeconds = null, long[]? BytesSentPerClock = null, long[]? BytesReceivedPerClock = null, double[]? SlowdownSeconds = null);

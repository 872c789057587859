using Orleans.Configuration;

namespace Dataflow.Worker;

/// <summary>
/// Failure-detection settings for worker silos: a worker killed with SIGKILL must be declared dead in well under
/// ten seconds, so its tasks are rescheduled promptly, while a live worker on a busy two-core machine must never be.
/// </summary>
/// <remarks>
/// How Orleans 10 decides: every silo probes the others; the period between probes and each probe's timeout adapt to
/// observed response times between <see cref="ClusterMembershipOptions.MinProbeTimeout"/> (½ × ProbeTimeout) and
/// <see cref="ClusterMembershipOptions.MaxProbeTimeout"/> (4 × ProbeTimeout), starting at ProbeTimeout and stretched
/// while the prober itself is degraded. After <see cref="ClusterMembershipOptions.NumMissedProbesLimit"/> consecutive
/// misses (the last one indirect, through another silo) the prober votes, unless its connection to the suspect has
/// received a message within MaxProbeTimeout × NumMissedProbesLimit; a silo is dead once
/// <see cref="ClusterMembershipOptions.NumVotesForDeathDeclaration"/> (2) live silos have voted.
/// <para>
/// Killed process: its connections are reset and reconnecting is refused, so every probe fails at once and the
/// connection check does not apply; detection takes about NumMissedProbesLimit probe periods, 3 × 2 s just after
/// start-up and 3 × 1 s once the period has adapted. Measured on the two-core development machine (primary and two
/// workers, one killed with SIGKILL, until the eviction is logged): 4.1–5.7 s when killed right after start, 2.5 s
/// after 30 s. ProbeTimeout 3 s took 6.3–10 s right after start; the defaults (5 s) about 12 s.
/// </para>
/// <para>
/// Live but busy silo: a stalled process keeps its connections open, so no vote counts against it until it has sent
/// nothing for MaxProbeTimeout × NumMissedProbesLimit = 8 s × 3 = 24 s, and then only after three consecutive missed
/// probes (the last indirect) with two probers agreeing. Measured: a worker frozen with SIGSTOP for 15 s, and both
/// cores saturated by four busy loops for 45 s, drew no vote. GC pauses and CPU-bound tasks (which run on their own
/// threads) stay far inside that margin. Two misses instead of three would save about 2 s, but one slow direct probe
/// followed by one lost indirect probe would then condemn a silo whose window has passed.
/// </para>
/// </remarks>
internal static class MembershipTuning
{
    /// <summary>Initial probe timeout and probe period; the effective ones adapt between half and four times this.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Consecutive missed probes before a prober votes a silo dead.</summary>
    public const int NumMissedProbesLimit = 3;

    /// <summary>Applies the settings.</summary>
    /// <param name="options">The silo's membership options.</param>
    public static void Configure(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = NumMissedProbesLimit;

        // Changes reach live silos by gossip at once; the periodic read of the table (default 60 s) only repairs a
        // missed gossip, and with development clustering it is one cheap call to the primary.
        options.TableRefreshTimeout = TimeSpan.FromSeconds(10);

        // Dead entries stay in the primary's in-memory table. They are harmless (a worker restarted on the same
        // port gets a new generation, and drivers find gateways from their orleans:// URL, not from the table), but a
        // long-lived development cluster whose workers are restarted by hand should not keep them for the default
        // week. Orleans still keeps each for at least DefunctSiloMinimumRetention (1 h), so that a silo whose join is
        // delayed can see it was declared dead; MaxDefunctSiloEntries (25) bounds the table meanwhile.
        options.DefunctSiloExpiration = TimeSpan.FromHours(1);
        options.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(10);
    }
}

namespace Dataflow.MLlib.ParameterServer;

/// <summary>The outcome of a parameter-server training run.</summary>
/// <param name="Consistency">The consistency model.</param>
/// <param name="Objective">The full-data objective of the final model, read from the servers after the last clock.</param>
/// <param name="Clocks">The clocks every worker ran.</param>
/// <param name="Seconds">Wall time of the barrier stage and the model read.</param>
/// <param name="Workers">Per worker, what it measured.</param>
public sealed record PsTrainingSummary(string Consistency, double Objective, int Clocks, double Seconds, IReadOnlyList<PsWorkerStats> Workers)
{
    /// <summary>Serialised pull and push payload bytes sent, summed over workers.</summary>
    public long BytesSent => Workers.Sum(w => w.BytesSent);

    /// <summary>Serialised reply bytes received, summed over workers.</summary>
    public long BytesReceived => Workers.Sum(w => w.BytesReceived);

    /// <summary>Time blocked at the staleness bound, summed over workers.</summary>
    public double WaitSeconds => Workers.Sum(w => w.WaitSeconds.Sum());
}

using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Training;

namespace Dataflow.MLlib.Clustering;

/// <summary>
/// What fitting a <see cref="KMeansModel"/> did: the cost of the run that was kept, per Lloyd iteration and at the
/// end, whether it converged, its initial centres and cluster sizes, the final cost of every run, and timings.
/// </summary>
/// <remarks>Spark: KMeansSummary (trainingCost, clusterSizes, numIter)</remarks>
public sealed class KMeansSummary
{
    internal KMeansSummary(double cost, IReadOnlyList<double> costHistory, bool converged, IReadOnlyList<Vector> initialCenters,
        IReadOnlyList<long> clusterSizes, IReadOnlyList<double> runCosts, int bestRun, TimeSpan initializationTime,
        IReadOnlyList<IterationTimings> timings, TimeSpan trainingTime)
    {
        Cost = cost;
        CostHistory = costHistory;
        Converged = converged;
        InitialCenters = initialCenters;
        ClusterSizes = clusterSizes;
        RunCosts = runCosts;
        BestRun = bestRun;
        InitializationTime = initializationTime;
        Timings = timings;
        TrainingTime = trainingTime;
    }

    /// <summary>The sum of squared distances of the training rows to their nearest final centre.</summary>
    public double Cost { get; }

    /// <summary>
    /// The kept run's cost at each of its Lloyd iterations: the sum of squared distances to the nearest centre of
    /// the centres that iteration started from (so the first entry is the cost of the initial centres).
    /// </summary>
    public IReadOnlyList<double> CostHistory { get; }

    /// <summary>Lloyd iterations of the kept run.</summary>
    public int Iterations => CostHistory.Count;

    /// <summary>The cost of the kept run's initial centres.</summary>
    public double InitialCost => CostHistory[0];

    /// <summary>Whether the kept run stopped because no centre moved more than the tolerance (else: the iteration limit).</summary>
    public bool Converged { get; }

    /// <summary>The kept run's initial centres.</summary>
    public IReadOnlyList<Vector> InitialCenters { get; }

    /// <summary>The number of training rows nearest each final centre.</summary>
    public IReadOnlyList<long> ClusterSizes { get; }

    /// <summary>The final cost of every run, in run order; the kept run is the cheapest (the first of equal ones).</summary>
    public IReadOnlyList<double> RunCosts { get; }

    /// <summary>The index of the kept run in <see cref="RunCosts"/>.</summary>
    public int BestRun { get; }

    /// <summary>Time from the start of fitting to the end of the initialisation (packing the blocks included).</summary>
    public TimeSpan InitializationTime { get; }

    /// <summary>
    /// Where each Lloyd iteration's time went (broadcast, scheduling, compute, aggregate, driver; one pass, i.e. one
    /// engine job, for all the runs still active), with the lowest cost of those runs as its objective. There are
    /// more entries than <see cref="Iterations"/> when another run went on longer. An iteration that re-seeds an
    /// empty cluster counts the extra job that finds the farthest rows as driver time.
    /// </summary>
    public IReadOnlyList<IterationTimings> Timings { get; }

    /// <summary>Time from the start to the end of fitting.</summary>
    public TimeSpan TrainingTime { get; }
}

using Dataflow.MLlib.Optimization;

namespace Dataflow.MLlib.Training;

/// <summary>
/// What a training run did: why it stopped, the objective per iteration and where each iteration's time went.
/// </summary>
/// <example><code>
/// var model = await new LogisticRegression().FitAsync(train, ct);
/// foreach (var it in model.Summary!.Iterations)
///     Console.WriteLine($"{it.Iteration}: {it.Objective} compute {it.ComputeSeconds:F4}s aggregate {it.AggregateSeconds:F4}s");
/// </code></example>
/// <remarks>Spark: LogisticRegressionTrainingSummary (objectiveHistory, totalIterations)</remarks>
public sealed class TrainingSummary
{
    internal TrainingSummary(OptimizationStatus status, string message, double objective, IReadOnlyList<IterationTimings> iterations,
        int passes, double trainingSeconds)
    {
        Status = status;
        Message = message;
        Objective = objective;
        Iterations = iterations;
        Passes = passes;
        TrainingSeconds = trainingSeconds;
    }

    /// <summary>Why training stopped.</summary>
    public OptimizationStatus Status { get; }

    /// <summary>Whether a convergence test held (rather than the iteration limit or a failure ending the run).</summary>
    public bool Converged => Status is OptimizationStatus.FunctionValuesConverged or OptimizationStatus.GradientConverged
        or OptimizationStatus.WeightsConverged;

    /// <summary>A one-line account of the stop.</summary>
    public string Message { get; }

    /// <summary>The final objective of the returned model, over all training rows, in the space it was trained in.</summary>
    public double Objective { get; }

    /// <summary>The objective after each iteration (L-BFGS: the starting point first).</summary>
    public IReadOnlyList<double> ObjectiveHistory => [.. Iterations.Select(i => i.Objective)];

    /// <summary>One record per iteration, with its timings.</summary>
    public IReadOnlyList<IterationTimings> Iterations { get; }

    /// <summary>The optimizer's iterations (not counting L-BFGS's iteration 0).</summary>
    public int TotalIterations => Iterations.Count == 0 ? 0 : Iterations[^1].Iteration;

    /// <summary>Passes over the data (engine jobs) that the optimizer made.</summary>
    public int Passes { get; }

    /// <summary>Wall time of the optimisation, from the first pass to the end.</summary>
    public double TrainingSeconds { get; }

    /// <summary>Broadcast time summed over the iterations.</summary>
    public double BroadcastSeconds => Iterations.Sum(i => i.BroadcastSeconds);

    /// <summary>Scheduling time summed over the iterations.</summary>
    public double SchedulingSeconds => Iterations.Sum(i => i.SchedulingSeconds);

    /// <summary>Compute time summed over the iterations.</summary>
    public double ComputeSeconds => Iterations.Sum(i => i.ComputeSeconds);

    /// <summary>Aggregation time summed over the iterations.</summary>
    public double AggregateSeconds => Iterations.Sum(i => i.AggregateSeconds);

    /// <summary>Driver time summed over the iterations.</summary>
    public double DriverSeconds => Iterations.Sum(i => i.DriverSeconds);
}

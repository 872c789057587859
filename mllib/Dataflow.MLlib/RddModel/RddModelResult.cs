using Dataflow.MLlib.Optimization;

namespace Dataflow.MLlib.RddModel;

/// <summary>What <see cref="RddModelLogisticRegression.FitAsync"/> trained.</summary>
/// <param name="Weights">The d feature weights (collected to the driver at the end).</param>
/// <param name="Intercept">The intercept (unpenalised).</param>
/// <param name="Objective">The full-data objective at the result: mean log-loss + (λ/2)‖w‖².</param>
/// <param name="Status">Why training stopped.</param>
/// <param name="Iterations">Per-iteration objective and timings.</param>
/// <param name="Iterates">The first <see cref="RddModelLogisticRegression.CollectIterates"/> iterates (d weights then the
/// intercept, after each update); empty unless asked for.</param>
/// <param name="Labels">The two label values, ascending: a positive margin predicts the second.</param>
public sealed record RddModelResult(
    double[] Weights,
    double Intercept,
    double Objective,
    OptimizationStatus Status,
    IReadOnlyList<RddIterationTimings> Iterations,
    IReadOnlyList<double[]> Iterates,
    double[] Labels);

using Dataflow.MLlib.Linalg;

namespace Dataflow.Examples.PsExperiment;

/// <summary>
/// The full-data objective of a binary model, mean log-loss + (λ/2)‖w‖² (intercept unpenalised), in float64 over the
/// cached points: used for the parameter servers' snapshots, after training, so it costs no training time.
/// </summary>
internal sealed class ObjectiveEvaluator(Rdd<LabeledPoint> points, long count, double positiveLabel, double regParam)
{
    /// <summary>The objective of <paramref name="model"/>: d weights then the intercept.</summary>
    public async Task<double> EvaluateAsync(double[] model, CancellationToken cancellationToken)
    {
        var d = model.Length - 1;
        var positive = positiveLabel;
        var loss = await points.SumAsync(p => Loss(p, model, positive), cancellationToken);
        var penalty = 0.0;
        for (var j = 0; j < d; j++)
        {
            penalty += model[j] * model[j];
        }

        return (loss / count) + (0.5 * regParam * penalty);
    }

    private static double Loss(LabeledPoint point, double[] model, double positive)
    {
        var margin = model[^1];
        point.Features.ForEachActive((j, x) => margin += model[j] * x);
        var y = point.Label == positive ? 1.0 : 0.0;
        // log(1 + e^m) − y·m, without overflow.
        return (margin > 0 ? margin + double.LogP1(Math.Exp(-margin)) : double.LogP1(Math.Exp(margin))) - (y * margin);
    }
}

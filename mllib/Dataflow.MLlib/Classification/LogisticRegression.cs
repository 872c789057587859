using System.Runtime.CompilerServices;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Optimization;
using Dataflow.MLlib.Training;

namespace Dataflow.MLlib.Classification;

/// <summary>
/// Logistic regression trained in driver (BSP) mode: with two classes the binary model (one weight vector and an
/// intercept, the sigmoid), with more the multinomial (softmax) model. Settings are the plain properties of
/// <see cref="LinearEstimator"/>, with Spark's defaults.
/// </summary>
/// <remarks>
/// <para>Classes are the distinct label values sorted ascending (<see cref="ClassIndex"/>), so 0/1, −1/+1 and 1..K
/// all work; the model predicts the original values.</para>
/// <para>Objective: the mean log-loss over the n training rows + (λ/2)·‖W‖², intercepts unpenalised; weights,
/// margins and sums in float64, the data in float32 blocks. <see cref="FitAsync"/> packs the points into blocks,
/// persists them, runs one engine job per objective evaluation (broadcast the coefficients, a kernel per block,
/// tree-aggregate) and unpersists the blocks at the end.</para>
/// <para>Spark: org.apache.spark.ml.classification.LogisticRegression (family auto, elasticNetParam 0,
/// standardization false: standardise first with <c>StandardScaler</c>)</para>
/// </remarks>
/// <example><code>
/// var model = await new LogisticRegression { RegParam = 0.01, MaxIterations = 100 }.FitAsync(training, ct);
/// var label = model.Predict(Vectors.Dense(0.5, 1.2));
/// </code></example>
public sealed class LogisticRegression : LinearEstimator
{
    /// <summary>Trains a model on <paramref name="points"/>.</summary>
    /// <param name="points">The training data; all points need the same feature count and at least two distinct labels.</param>
    /// <param name="cancellationToken">Cancels training.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <exception cref="ArgumentException">The data is empty, has fewer than two classes, or mixes feature counts.</exception>
    public async Task<LogisticRegressionModel> FitAsync(Rdd<LabeledPoint> points, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        Validate();
        var kernels = ExecutorKernels.For(Kernels, Device, points.Context, Logger);
        var classes = await ClassIndex.FitAsync(points, cancellationToken: cancellationToken, callerFile: callerFile, callerLine: callerLine)
            .ConfigureAwait(false);
        if (classes.Count < 2)
        {
            throw new ArgumentException(
                $"Logistic regression needs at least two classes, but every training label is {classes}; check the label column.", nameof(points));
        }

        var data = await TrainingData.PackAsync(points, classes, StorageLevel, callerFile, callerLine, cancellationToken).ConfigureAwait(false);
        try
        {
            var k = classes.Count;
            var d = data.Features;
            var binary = k == 2;
            var contribution = binary ? Contributions.BinaryLogistic(kernels, d) : Contributions.Multinomial(kernels, k, d);
            var weights = binary ? d : k * d;
            var initial = new double[binary ? d + 1 : (k * d) + k];
            var (point, summary) = await MinimizeAsync(data, contribution, RegularizedKeys.Below(weights), initial, cancellationToken)
                .ConfigureAwait(false);
            return new LogisticRegressionModel(classes.Labels, d, point[..weights], point[weights..], summary);
        }
        finally
        {
            await data.Blocks.UnpersistAsync().ConfigureAwait(false);
        }
    }
}

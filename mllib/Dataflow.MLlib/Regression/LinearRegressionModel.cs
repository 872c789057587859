using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Persistence;
using Dataflow.MLlib.Training;

namespace Dataflow.MLlib.Regression;

/// <summary>A fitted linear regression: the prediction is <c>x·w + b</c>.</summary>
/// <example><code>
/// var model = await new LinearRegression().FitAsync(train, ct);
/// var rmse = await RegressionMetrics.RootMeanSquaredErrorAsync(model.Transform(test), ct);
/// </code></example>
/// <remarks>Spark: org.apache.spark.ml.regression.LinearRegressionModel</remarks>
public sealed class LinearRegressionModel
{
    private const string ModelType = "LinearRegressionModel";

    /// <summary>Creates a model from its weights and intercept.</summary>
    /// <param name="coefficients">One weight per feature.</param>
    /// <param name="intercept">The intercept.</param>
    /// <param name="summary">The training summary, or null.</param>
    public LinearRegressionModel(double[] coefficients, double intercept, TrainingSummary? summary = null)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        Coefficients = coefficients;
        Intercept = intercept;
        Summary = summary;
    }

    /// <summary>The weights, one per feature.</summary>
    public double[] Coefficients { get; }

    /// <summary>The intercept.</summary>
    public double Intercept { get; }

    /// <summary>The feature count.</summary>
    public int NumFeatures => Coefficients.Length;

    /// <summary>How training went; null for a loaded model.</summary>
    public TrainingSummary? Summary { get; }

    /// <summary>The prediction <c>x·w + b</c>.</summary>
    /// <param name="features">A vector with <see cref="NumFeatures"/> entries.</param>
    public double Predict(Vector features) => Predict(features, Coefficients, Intercept);

    /// <summary>The prediction for each vector, computed in the tasks.</summary>
    /// <param name="features">Vectors with <see cref="NumFeatures"/> entries.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    public Rdd<double> Transform(Rdd<Vector> features, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(features);
        var (w, b) = (Coefficients, Intercept);
        return features.Select(x => Predict(x, w, b), callerFile, callerLine);
    }

    /// <summary>Each point's label with the prediction, computed in the tasks (the input of the regression metrics).</summary>
    /// <param name="points">Points with <see cref="NumFeatures"/> features.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    public Rdd<(double Label, double Prediction)> Transform(Rdd<LabeledPoint> points, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        var (w, b) = (Coefficients, Intercept);
        return points.Select(p => (p.Label, Predict(p.Features, w, b)), callerFile, callerLine);
    }

    /// <summary>Saves the model: <c>metadata.json</c> and <c>data.bin</c> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The model directory; an existing non-empty one is an error unless <paramref name="overwrite"/>.</param>
    /// <param name="overwrite">Replace an existing directory.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public Task SaveAsync(string directory, bool overwrite = false, CancellationToken cancellationToken = default) =>
        ModelStore.SaveAsync(directory, ModelType, new JsonObject { ["numFeatures"] = NumFeatures }, (double[])[.. Coefficients, Intercept], overwrite,
            cancellationToken);

    /// <summary>Loads a model saved by <see cref="SaveAsync"/>.</summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ModelFormatException">The directory holds another model type, a newer format, or damaged files.</exception>
    public static async Task<LinearRegressionModel> LoadAsync(string directory, CancellationToken cancellationToken = default)
    {
        var (parameters, data) = await ModelStore.LoadAsync(directory, ModelType, cancellationToken).ConfigureAwait(false);
        var d = parameters["numFeatures"]?.GetValue<int>() ?? -1;
        if (d < 0 || data.Length != d + 1)
        {
            throw new ModelFormatException($"{directory}: the data has {data.Length} numbers but a model of {d} features needs {d + 1}.");
        }

        return new LinearRegressionModel(data[..d], data[d]);
    }

    private static double Predict(Vector x, double[] w, double b)
    {
        ModelMath.CheckSize(x, w.Length);
        return ModelMath.Dot(x, w, 0) + b;
    }
}

using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Persistence;
using Dataflow.MLlib.Training;

namespace Dataflow.MLlib.Classification;

/// <summary>
/// A fitted logistic regression: binary (one weight vector and an intercept; P(class 1) = σ(x·w + b)) or multinomial
/// (K weight vectors and intercepts; softmax). Predicts the original label values of the training data.
/// </summary>
/// <example><code>
/// var model = await new LogisticRegression().FitAsync(train, ct);
/// var p = model.PredictProbabilities(x);        // one per class, in the order of Labels
/// var predictions = model.Transform(test);      // Rdd of (Label, Prediction)
/// await model.SaveAsync("model");
/// var again = await LogisticRegressionModel.LoadAsync("model");
/// </code></example>
/// <remarks>Spark: org.apache.spark.ml.classification.LogisticRegressionModel</remarks>
public sealed class LogisticRegressionModel
{
    private const string ModelType = "LogisticRegressionModel";

    /// <summary>Creates a model from its parameters (checked for shape).</summary>
    /// <param name="labels">The class label values, ascending (at least two).</param>
    /// <param name="numFeatures">The feature count.</param>
    /// <param name="coefficients">Binary: <c>d</c> weights; multinomial: K × d, row-major (class k's weights at k·d).</param>
    /// <param name="intercepts">Binary: one; multinomial: K.</param>
    /// <param name="summary">The training summary, or null.</param>
    public LogisticRegressionModel(double[] labels, int numFeatures, double[] coefficients, double[] intercepts, TrainingSummary? summary = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(coefficients);
        ArgumentNullException.ThrowIfNull(intercepts);
        ArgumentOutOfRangeException.ThrowIfNegative(numFeatures);
        if (labels.Length < 2)
        {
            throw new ArgumentException($"A logistic regression model needs at least two classes, got {labels.Length}.", nameof(labels));
        }

        var vectors = labels.Length == 2 ? 1 : labels.Length;
        if (coefficients.Length != (long)vectors * numFeatures || intercepts.Length != vectors)
        {
            throw new ArgumentException(
                $"A model of {labels.Length} classes and {numFeatures} features needs {(long)vectors * numFeatures} coefficients and {vectors} " +
                $"intercepts, got {coefficients.Length} and {intercepts.Length}.");
        }

        Labels = labels;
        NumFeatures = numFeatures;
        Coefficients = coefficients;
        Intercepts = intercepts;
        Summary = summary;
    }

    /// <summary>The label value of each class, ascending.</summary>
    public double[] Labels { get; }

    /// <summary>The number of classes, K.</summary>
    public int NumClasses => Labels.Length;

    /// <summary>The feature count.</summary>
    public int NumFeatures { get; }

    /// <summary>Whether this is the softmax model (K &gt; 2).</summary>
    public bool IsMultinomial => Labels.Length > 2;

    /// <summary>Binary: the weights of class 1 (the larger label); multinomial: K × d row-major.</summary>
    public double[] Coefficients { get; }

    /// <summary>Binary: the intercept; multinomial: one per class.</summary>
    public double[] Intercepts { get; }

    /// <summary>How training went (objective history and per-iteration timings); null for a loaded model.</summary>
    public TrainingSummary? Summary { get; }

    /// <summary>The predicted label value: the class of highest probability.</summary>
    /// <param name="features">A vector with <see cref="NumFeatures"/> entries.</param>
    public double Predict(Vector features) => Labels[PredictClass(features, Labels.Length, NumFeatures, Coefficients, Intercepts)];

    /// <summary>The probability of each class, in the order of <see cref="Labels"/>.</summary>
    /// <param name="features">A vector with <see cref="NumFeatures"/> entries.</param>
    public double[] PredictProbabilities(Vector features) => Probabilities(features, Labels.Length, NumFeatures, Coefficients, Intercepts);

    /// <summary>The predicted label of each vector, computed in the tasks.</summary>
    /// <param name="features">Vectors with <see cref="NumFeatures"/> entries.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    public Rdd<double> Transform(Rdd<Vector> features, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(features);
        var (labels, d, w, b) = (Labels, NumFeatures, Coefficients, Intercepts);
        return features.Select(x => labels[PredictClass(x, labels.Length, d, w, b)], callerFile, callerLine);
    }

    /// <summary>Each point's label with the predicted label, computed in the tasks (the input of the metrics).</summary>
    /// <param name="points">Points with <see cref="NumFeatures"/> features.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    public Rdd<(double Label, double Prediction)> Transform(Rdd<LabeledPoint> points, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        var (labels, d, w, b) = (Labels, NumFeatures, Coefficients, Intercepts);
        return points.Select(p => (p.Label, labels[PredictClass(p.Features, labels.Length, d, w, b)]), callerFile, callerLine);
    }

    /// <summary>Saves the model: <c>metadata.json</c> and <c>data.bin</c> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The model directory; an existing non-empty one is an error unless <paramref name="overwrite"/>.</param>
    /// <param name="overwrite">Replace an existing directory.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public Task SaveAsync(string directory, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        var parameters = new JsonObject
        {
            ["numFeatures"] = NumFeatures,
            ["numClasses"] = NumClasses,
            ["labels"] = new JsonArray([.. Labels.Select(l => (JsonNode)l)]),
        };
        return ModelStore.SaveAsync(directory, ModelType, parameters, (double[])[.. Coefficients, .. Intercepts], overwrite, cancellationToken);
    }

    /// <summary>Loads a model saved by <see cref="SaveAsync"/>.</summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ModelFormatException">The directory holds another model type, a newer format, or damaged files.</exception>
    public static async Task<LogisticRegressionModel> LoadAsync(string directory, CancellationToken cancellationToken = default)
    {
        var (parameters, data) = await ModelStore.LoadAsync(directory, ModelType, cancellationToken).ConfigureAwait(false);
        try
        {
            var d = parameters["numFeatures"]!.GetValue<int>();
            var labels = parameters["labels"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
            var vectors = labels.Length == 2 ? 1 : labels.Length;
            var weights = vectors * d;
            if (data.Length != weights + vectors)
            {
                throw new ModelFormatException($"{directory}: the data has {data.Length} numbers but {labels.Length} classes × {d} features need {weights + vectors}.");
            }

            return new LogisticRegressionModel(labels, d, data[..weights], data[weights..]);
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or ArgumentException)
        {
            throw new ModelFormatException($"{directory}: the model's parameters are missing or malformed ({e.Message}).", e);
        }
    }

    private static int PredictClass(Vector x, int classes, int d, double[] w, double[] b)
    {
        ModelMath.CheckSize(x, d);
        if (classes == 2)
        {
            return ModelMath.Dot(x, w, 0) + b[0] > 0 ? 1 : 0;
        }

        var best = 0;
        var bestMargin = double.NegativeInfinity;
        for (var c = 0; c < classes; c++)
        {
            var margin = ModelMath.Dot(x, w, c * d) + b[c];
            if (margin > bestMargin)
            {
                (best, bestMargin) = (c, margin);
            }
        }

        return best;
    }

    private static double[] Probabilities(Vector x, int classes, int d, double[] w, double[] b)
    {
        ModelMath.CheckSize(x, d);
        if (classes == 2)
        {
            var p = ModelMath.Sigmoid(ModelMath.Dot(x, w, 0) + b[0]);
            return [1 - p, p];
        }

        var margins = new double[classes];
        for (var c = 0; c < classes; c++)
        {
            margins[c] = ModelMath.Dot(x, w, c * d) + b[c];
        }

        ModelMath.Softmax(margins);
        return margins;
    }
}

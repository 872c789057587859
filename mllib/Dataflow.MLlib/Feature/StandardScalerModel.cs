using System.Runtime.CompilerServices;
using Dataflow.MLlib.Linalg;

namespace Dataflow.MLlib.Feature;

/// <summary>
/// The fitted statistics of a <see cref="StandardScaler"/>, applied to any data with the same features: a dense
/// vector becomes <c>(x − Mean) / Std</c>, a sparse one <c>x / Std</c> (it stays sparse; Spark's
/// <c>withMean = false</c>); a feature with <c>Std</c> 0 becomes 0. Transformations are lazy and run in the tasks.
/// </summary>
/// <example><code>
/// var model = await new StandardScaler().FitAsync(train, ct);
/// var x = model.Transform(Vectors.Dense(5.1, 3.5, 1.4, 0.2));
/// </code></example>
/// <remarks>Spark: org.apache.spark.ml.feature.StandardScalerModel</remarks>
public sealed class StandardScalerModel
{
    /// <summary>Creates a model from statistics (e.g. saved ones).</summary>
    /// <param name="mean">Each feature's mean.</param>
    /// <param name="std">Each feature's population standard deviation, ≥ 0.</param>
    /// <param name="count">The number of training rows.</param>
    public StandardScalerModel(double[] mean, double[] std, long count)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length != std.Length)
        {
            throw new ArgumentException($"The model needs one mean and one standard deviation per feature: got {mean.Length} and {std.Length}.");
        }

        if (std.Any(s => !(s >= 0) || double.IsInfinity(s)) || mean.Any(m => !double.IsFinite(m)))
        {
            throw new ArgumentException("Means must be finite and standard deviations finite and ≥ 0.");
        }

        Mean = mean;
        Std = std;
        Count = count;
    }

    /// <summary>Each feature's mean over the training rows.</summary>
    public double[] Mean { get; }

    /// <summary>Each feature's population standard deviation over the training rows.</summary>
    public double[] Std { get; }

    /// <summary>The number of training rows.</summary>
    public long Count { get; }

    /// <summary>The number of features.</summary>
    public int NumFeatures => Mean.Length;

    /// <summary>Standardises one vector (dense: centred and scaled; sparse: scaled).</summary>
    /// <param name="vector">A vector with <see cref="NumFeatures"/> entries.</param>
    /// <exception cref="ArgumentException">The size differs from the training data's.</exception>
    public Vector Transform(Vector vector) => Scale(vector, Mean, Std);

    /// <summary>The points with standardised features (labels unchanged).</summary>
    /// <param name="points">Points with <see cref="NumFeatures"/> features.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    public Rdd<LabeledPoint> Transform(Rdd<LabeledPoint> points, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        var (mean, std) = (Mean, Std);
        return points.Select(p => new LabeledPoint(p.Label, Scale(p.Features, mean, std)), callerFile, callerLine);
    }

    /// <summary>The vectors standardised.</summary>
    /// <param name="vectors">Vectors with <see cref="NumFeatures"/> entries.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    public Rdd<Vector> Transform(Rdd<Vector> vectors, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        var (mean, std) = (Mean, Std);
        return vectors.Select(v => Scale(v, mean, std), callerFile, callerLine);
    }

    private static Vector Scale(Vector vector, double[] mean, double[] std)
    {
        ArgumentNullException.ThrowIfNull(vector);
        if (vector.Size != mean.Length)
        {
            throw new ArgumentException(
                $"The vector has {vector.Size} features, but the scaler was fitted to {mean.Length}; scale data with the features it was trained on.");
        }

        switch (vector)
        {
            case DenseVector dense:
                var scaled = new double[mean.Length];
                for (var j = 0; j < scaled.Length; j++)
                {
                    scaled[j] = std[j] > 0 ? (dense.Values[j] - mean[j]) / std[j] : 0;
                }

                return new DenseVector(scaled);
            case SparseVector sparse:
                var keep = 0;
                foreach (var index in sparse.Indices)
                {
                    keep += std[index] > 0 ? 1 : 0;
                }

                var (indices, values) = (new int[keep], new double[keep]);
                for (int k = 0, o = 0; k < sparse.Indices.Length; k++)
                {
                    var j = sparse.Indices[k];
                    if (std[j] > 0)
                    {
                        (indices[o], values[o]) = (j, sparse.Values[k] / std[j]);
                        o++;
                    }
                }

                return new SparseVector(sparse.Size, indices, values);
            default:
                throw new ArgumentException($"Unknown vector type {vector.GetType().Name}.", nameof(vector));
        }
    }
}

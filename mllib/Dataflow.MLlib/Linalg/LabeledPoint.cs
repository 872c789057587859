using System.Globalization;

namespace Dataflow.MLlib.Linalg;

/// <summary>
/// One training example: a label (a class value such as 0/1, −1/+1 or 1..K, or a regression target) and its
/// features. The record of the RDDs the loaders return; it round-trips through the engine's record serialiser.
/// </summary>
/// <example><code>var p = new LabeledPoint(1.0, Vectors.Dense(0.5, 2.0));</code></example>
/// <param name="Label">The label or target.</param>
/// <param name="Features">The feature vector.</param>
/// <remarks>Spark: org.apache.spark.ml.feature.LabeledPoint</remarks>
public sealed record LabeledPoint(double Label, Vector Features)
{
    /// <summary>Spark's form <c>(label,features)</c>.</summary>
    public override string ToString() => $"({Label.ToString("R", CultureInfo.InvariantCulture)},{Features})";
}

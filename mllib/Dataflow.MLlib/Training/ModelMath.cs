using Dataflow.MLlib.Linalg;

namespace Dataflow.MLlib.Training;

/// <summary>Prediction arithmetic of the linear models on single vectors, float64.</summary>
internal static class ModelMath
{
    /// <summary>x · w[offset .. offset + x.Size).</summary>
    public static double Dot(Vector x, double[] w, int offset)
    {
        switch (x)
        {
            case DenseVector dense:
                var sum = 0.0;
                var values = dense.Values;
                for (var j = 0; j < values.Length; j++)
                {
                    sum += values[j] * w[offset + j];
                }

                return sum;
            case SparseVector sparse:
                var total = 0.0;
                for (var k = 0; k < sparse.Indices.Length; k++)
                {
                    total += sparse.Values[k] * w[offset + sparse.Indices[k]];
                }

                return total;
            default:
                throw new ArgumentException($"Unknown vector type {x.GetType().Name}.", nameof(x));
        }
    }

    /// <summary>Throws unless <paramref name="x"/> has <paramref name="features"/> entries, naming both counts.</summary>
    public static void CheckSize(Vector x, int features)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Size != features)
        {
            throw new ArgumentException(
                $"The vector has {x.Size} features but the model was trained on {features}; give it data with the training features.", nameof(x));
        }
    }

    /// <summary>1 / (1 + e^−m) without overflow.</summary>
    public static double Sigmoid(double margin)
    {
        if (margin >= 0)
        {
            return 1 / (1 + Math.Exp(-margin));
        }

        var e = Math.Exp(margin);
        return e / (1 + e);
    }

    /// <summary>Softmax of <paramref name="margins"/> in place, shifted by the largest so no exponential overflows.</summary>
    public static void Softmax(Span<double> margins)
    {
        var max = double.NegativeInfinity;
        foreach (var m in margins)
        {
            max = Math.Max(max, m);
        }

        var sum = 0.0;
        for (var c = 0; c < margins.Length; c++)
        {
            margins[c] = Math.Exp(margins[c] - max);
            sum += margins[c];
        }

        for (var c = 0; c < margins.Length; c++)
        {
            margins[c] /= sum;
        }
    }
}

namespace Dataflow.MLlib.Clustering;

/// <summary>
/// The centres of several k-means runs in the form one broadcast ships to every task: per run, the centres as one
/// row-major array (<c>count × features</c>) and their float64 L2 norms (what the kernels' norm bound needs). Runs
/// may hold different numbers of centres (k-means|| candidates). Built on the driver; plain arrays, so the value
/// crosses to cluster workers as MessagePack data.
/// </summary>
internal static class CenterSets
{
    /// <summary>The broadcast value for the runs' centres (each row-major, <paramref name="features"/> per centre).</summary>
    public static (double[][] Centers, double[][] Norms) Of(IReadOnlyList<double[]> centers, int features) =>
        ([.. centers], [.. centers.Select(c => Norms(c, features))]);

    /// <summary>The broadcast value for runs given as lists of centres.</summary>
    public static (double[][] Centers, double[][] Norms) Of(IReadOnlyList<List<double[]>> centers, int features) =>
        Of([.. centers.Select(list => Flatten(list, features))], features);

    /// <summary>The centres of a list, one after another.</summary>
    public static double[] Flatten(IReadOnlyList<double[]> centers, int features)
    {
        var flat = new double[centers.Count * features];
        for (var i = 0; i < centers.Count; i++)
            centers[i].CopyTo(flat, i * features);
        return flat;
    }

    /// <summary>The L2 norm of each centre of a row-major array.</summary>
    public static double[] Norms(double[] centers, int features)
    {
        var count = features == 0 ? 0 : centers.Length / features;
        var norms = new double[count];
        for (var i = 0; i < count; i++)
            norms[i] = Math.Sqrt(SquaredDistance(centers.AsSpan(i * features, features), default));
        return norms;
    }

    /// <summary>Σ (a − b)² in float64; an empty <paramref name="b"/> stands for the origin.</summary>
    public static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var j = 0; j < a.Length; j++)
        {
            var diff = a[j] - (b.IsEmpty ? 0 : b[j]);
            sum += diff * diff;
        }

        return sum;
    }
}

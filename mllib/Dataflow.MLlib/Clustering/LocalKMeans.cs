namespace Dataflow.MLlib.Clustering;

/// <summary>
/// Weighted k-means on the driver, in float64, over the few candidates k-means|| drew: k-means++ seeding (the first
/// centre drawn with probability ∝ weight, each next one ∝ weight × squared distance to the nearest centre so far),
/// then weighted Lloyd iterations until no assignment changes or the iteration limit. A cluster left empty keeps its
/// centre (a candidate, never NaN).
/// </summary>
/// <remarks>Spark: LocalKMeans.kMeansPlusPlus</remarks>
internal static class LocalKMeans
{
    /// <summary>k centres for <paramref name="points"/> (more than k of them, all distinct).</summary>
    public static List<double[]> Cluster(IReadOnlyList<double[]> points, IReadOnlyList<double> weights, int k, SplitMix64 random, int maxIterations)
    {
        var n = points.Count;
        var centers = new List<double[]> { (double[])points[Draw(weights, null, ref random)].Clone() };
        var costs = points.Select(p => CenterSets.SquaredDistance(p, centers[0])).ToArray();
        while (centers.Count < k)
        {
            var next = Draw(weights, costs, ref random);
            centers.Add((double[])points[next].Clone());
            for (var i = 0; i < n; i++)
                costs[i] = Math.Min(costs[i], CenterSets.SquaredDistance(points[i], centers[^1]));
        }

        var assignment = new int[n];
        Array.Fill(assignment, -1);
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var changed = false;
            for (var i = 0; i < n; i++)
            {
                var best = Nearest(points[i], centers);
                changed |= best != assignment[i];
                assignment[i] = best;
            }

            if (!changed)
                break;
            var d = points[0].Length;
            var sums = new double[k, d];
            var totals = new double[k];
            for (var i = 0; i < n; i++)
            {
                totals[assignment[i]] += weights[i];
                for (var j = 0; j < d; j++)
                    sums[assignment[i], j] += weights[i] * points[i][j];
            }

            for (var c = 0; c < k; c++)
            {
                if (totals[c] > 0)
                {
                    for (var j = 0; j < d; j++)
                        centers[c][j] = sums[c, j] / totals[c];
                }
            }
        }

        return centers;
    }

    /// <summary>The index of the nearest centre (ties to the lowest index).</summary>
    public static int Nearest(ReadOnlySpan<double> point, IReadOnlyList<double[]> centers)
    {
        var best = 0;
        var bestDistance = double.PositiveInfinity;
        for (var c = 0; c < centers.Count; c++)
        {
            var distance = CenterSets.SquaredDistance(point, centers[c]);
            if (distance < bestDistance)
                (best, bestDistance) = (c, distance);
        }

        return best;
    }

    // An index drawn with probability ∝ weight (× cost when given). When every product is 0 (the chosen centres
    // already cover the points of positive weight), the point of largest cost, then the first, is taken.
    private static int Draw(IReadOnlyList<double> weights, double[]? costs, ref SplitMix64 random)
    {
        var total = 0.0;
        for (var i = 0; i < weights.Count; i++)
            total += weights[i] * (costs?[i] ?? 1);
        if (!(total > 0))
            return costs is null ? 0 : Array.IndexOf(costs, costs.Max());
        var target = random.NextDouble() * total;
        var cumulative = 0.0;
        var last = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var mass = weights[i] * (costs?[i] ?? 1);
            if (mass <= 0)
                continue;
            cumulative += mass;
            last = i;
            if (cumulative > target)
                return i;
        }

        return last;
    }
}

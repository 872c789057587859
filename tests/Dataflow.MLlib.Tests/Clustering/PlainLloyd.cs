namespace Dataflow.MLlib.Tests.Clustering;

/// <summary>
/// The test's own k-means: Lloyd's algorithm as plain float64 loops over rows, written without the library's code.
/// The nearest centre is the first of the equally near; a cluster left empty takes the row farthest from its nearest
/// centre (the i-th empty cluster the i-th farthest, ties to the earlier row), or keeps its centre when every row is
/// at distance 0; it stops when no centre moved more than the tolerance or at the iteration limit.
/// </summary>
public static class PlainLloyd
{
    public sealed record Result(double[][] Centers, double Cost, int Iterations, List<double> CostHistory, long[] Sizes);

    public static Result Run(double[][] rows, double[][] initial, int maxIterations = 20, double tolerance = 1e-4)
    {
        var k = initial.Length;
        var d = rows[0].Length;
        var centers = initial.Select(c => (double[])c.Clone()).ToArray();
        var history = new List<double>();
        var iterations = 0;
        while (iterations < maxIterations)
        {
            iterations++;
            var assignment = rows.Select(r => Nearest(r, centers)).ToArray();
            history.Add(assignment.Sum(a => a.Distance));
            var next = new double[k][];
            var farthest = Enumerable.Range(0, rows.Length).OrderByDescending(i => assignment[i].Distance).ThenBy(i => i).ToArray();
            var reseeded = 0;
            var largestMove = 0.0;
            for (var c = 0; c < k; c++)
            {
                var members = Enumerable.Range(0, rows.Length).Where(i => assignment[i].Index == c).ToArray();
                if (members.Length > 0)
                {
                    next[c] = new double[d];
                    foreach (var i in members)
                    {
                        for (var j = 0; j < d; j++)
                        {
                            next[c][j] += rows[i][j];
                        }
                    }

                    for (var j = 0; j < d; j++)
                    {
                        next[c][j] /= members.Length;
                    }
                }
                else
                {
                    var candidate = farthest[reseeded++];
                    next[c] = assignment[candidate].Distance > 0 ? (double[])rows[candidate].Clone() : (double[])centers[c].Clone();
                }

                largestMove = Math.Max(largestMove, Math.Sqrt(SquaredDistance(next[c], centers[c])));
            }

            centers = next;
            if (largestMove <= tolerance)
            {
                break;
            }
        }

        var final = rows.Select(r => Nearest(r, centers)).ToArray();
        var sizes = new long[k];
        foreach (var a in final)
        {
            sizes[a.Index]++;
        }

        return new Result(centers, final.Sum(a => a.Distance), iterations, history, sizes);
    }

    public static double Cost(double[][] rows, double[][] centers) => rows.Sum(r => Nearest(r, centers).Distance);

    public static (int Index, double Distance) Nearest(double[] row, double[][] centers)
    {
        var best = (Index: 0, Distance: double.PositiveInfinity);
        for (var c = 0; c < centers.Length; c++)
        {
            var distance = SquaredDistance(row, centers[c]);
            if (distance < best.Distance)
            {
                best = (c, distance);
            }
        }

        return best;
    }

    public static double SquaredDistance(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var j = 0; j < a.Length; j++)
        {
            sum += (a[j] - b[j]) * (a[j] - b[j]);
        }

        return sum;
    }
}

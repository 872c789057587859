using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Recommendation;

namespace Dataflow.MLlib.Tests.Recommendation;

/// <summary>Small generated rating problems and float64 references written out in the tests.</summary>
internal static class RatingProblem
{
    /// <summary>A CSR block of ratings as the trainers pack them: columns u and users + i.</summary>
    public static InstanceBlock Block(IReadOnlyList<Rating> ratings, int users, int items)
    {
        var offsets = Enumerable.Range(0, ratings.Count + 1).Select(r => 2 * r).ToArray();
        var indices = ratings.SelectMany(r => new[] { r.User, users + r.Item }).ToArray();
        return InstanceBlock.Sparse(users + items, offsets, indices, [.. indices.Select(_ => 1f)], [.. ratings.Select(r => r.Value)]);
    }

    /// <summary>Mean squared error + (λ/2)‖X‖² of factors <paramref name="x"/> ((users + items) × rank), plain loops.</summary>
    public static double Objective(IReadOnlyList<Rating> ratings, double[] x, int users, int rank, double lambda)
    {
        var sum = 0.0;
        foreach (var r in ratings)
        {
            var p = 0.0;
            for (var f = 0; f < rank; f++)
            {
                p += x[(r.User * rank) + f] * x[((users + r.Item) * rank) + f];
            }

            sum += (p - r.Value) * (p - r.Value);
        }

        var norm = 0.0;
        foreach (var v in x)
        {
            norm += v * v;
        }

        return (sum / ratings.Count) + (0.5 * lambda * norm);
    }

    /// <summary>The true factors as one (users + items) × rank array.</summary>
    public static double[] Truth(double[] userFactors, double[] itemFactors) => [.. userFactors, .. itemFactors];

    public static double[] RandomFactors(int rows, int rank, int seed, double scale)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, rows * rank).Select(_ => scale * ((2 * random.NextDouble()) - 1))];
    }
}

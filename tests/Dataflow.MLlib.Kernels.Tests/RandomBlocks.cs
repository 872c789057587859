namespace Dataflow.MLlib.Kernels.Tests;

/// <summary>Seeded random blocks, models and row subsets for the differential tests.</summary>
internal static class RandomBlocks
{
    /// <summary>
    /// A block of uniform(−1, 1) values; sparse rows hold each feature with probability <paramref name="density"/>
    /// (so some are empty), or, for very wide blocks, a handful of random columns.
    /// </summary>
    public static InstanceBlock Make(Random rng, int rows, int features, bool sparse, Func<Random, double> label, double density = 0.3)
    {
        var labels = new double[rows];
        for (var r = 0; r < rows; r++)
            labels[r] = label(rng);
        if (!sparse)
        {
            var values = new float[rows * features];
            for (var i = 0; i < values.Length; i++)
                values[i] = (float)((rng.NextDouble() * 2) - 1);
            return InstanceBlock.Dense(rows, features, values, labels);
        }

        var offsets = new List<int> { 0 };
        var indices = new List<int>();
        var nonZeros = new List<float>();
        for (var r = 0; r < rows; r++)
        {
            var columns = features <= 5000
                ? Enumerable.Range(0, features).Where(_ => rng.NextDouble() < density).ToList()
                : Enumerable.Range(0, rng.Next(0, 60)).Select(_ => rng.Next(features)).Distinct().Order().ToList();
            foreach (var j in columns)
            {
                indices.Add(j);
                nonZeros.Add((float)((rng.NextDouble() * 2) - 1));
            }

            offsets.Add(indices.Count);
        }

        return InstanceBlock.Sparse(features, [.. offsets], [.. indices], [.. nonZeros], labels);
    }

    /// <summary>Weights of order 4/√d, so margins are of order 1 whatever the width.</summary>
    public static double[] Weights(Random rng, int count, int features)
    {
        var scale = 4 / Math.Sqrt(Math.Max(1, features));
        return [.. Enumerable.Range(0, count).Select(_ => ((rng.NextDouble() * 2) - 1) * scale)];
    }

    /// <summary>Random values in (−1, 1): a gradient buffer that already holds something.</summary>
    public static double[] Filled(Random rng, int count) => [.. Enumerable.Range(0, count).Select(_ => (rng.NextDouble() * 2) - 1)];

    /// <summary>About half the rows, ascending.</summary>
    public static int[] Subset(Random rng, int rows) => [.. Enumerable.Range(0, rows).Where(_ => rng.Next(2) == 0)];

    public static double Binary(Random rng) => rng.Next(2);

    public static double Target(Random rng) => (rng.NextDouble() * 6) - 3;

    /// <summary>The same rows as CSR (zeros dropped), labels shared.</summary>
    public static InstanceBlock ToSparse(InstanceBlock dense)
    {
        var offsets = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        for (var r = 0; r < dense.Rows; r++)
        {
            for (var j = 0; j < dense.Features; j++)
            {
                var v = dense.Values[(r * dense.Features) + j];
                if (v != 0)
                {
                    indices.Add(j);
                    values.Add(v);
                }
            }

            offsets.Add(indices.Count);
        }

        return InstanceBlock.Sparse(dense.Features, [.. offsets], [.. indices], [.. values], dense.Labels);
    }

    /// <summary>Dense rows given as double arrays (each rounded to float32), or their CSR form.</summary>
    public static InstanceBlock FromRows(double[][] rows, double[] labels, bool sparse)
    {
        var d = rows.Length == 0 ? 0 : rows[0].Length;
        var values = rows.SelectMany(r => r.Select(v => (float)v)).ToArray();
        var dense = InstanceBlock.Dense(rows.Length, d, values, labels);
        return sparse ? ToSparse(dense) : dense;
    }
}

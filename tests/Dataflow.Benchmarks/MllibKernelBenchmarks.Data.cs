using Dataflow.MLlib.Kernels;

namespace Dataflow.Benchmarks;

// The generated data, the scalar baseline and the cross-check of the two.
internal static partial class MllibKernelBenchmarks
{
    /// <summary>
    /// 1M × 100 float32 in two blocks of 500K rows: 10 clusters (centres uniform in [−1, 1]^100, points ± 0.5 around
    /// them) with labels from a logistic model, so the same data serves the logistic and the k-means passes.
    /// </summary>
    private static InstanceBlock[] DenseBlocks() => [DenseBlock(0, DenseRows / 2), DenseBlock(1, DenseRows / 2)];

    /// <summary>
    /// Block <paramref name="index"/> of the dense data set (<paramref name="rows"/> × 100): the clusters and the
    /// labelling model are the same for every block, the rows are drawn from a generator seeded by the index, so a
    /// block can be made inside the task that caches it.
    /// </summary>
    internal static InstanceBlock DenseBlock(int index, int rows)
    {
        var shared = new Random(2024);
        var clusters = new float[Clusters * DenseFeatures];
        for (var i = 0; i < clusters.Length; i++)
            clusters[i] = (shared.NextSingle() * 2) - 1;
        var truth = Weights(DenseFeatures, 10);
        var rng = new Random(2025 + index);
        var values = GC.AllocateUninitializedArray<float>(rows * DenseFeatures);
        var labels = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var c = rng.Next(Clusters);
            var margin = 0.0;
            for (var j = 0; j < DenseFeatures; j++)
            {
                var v = clusters[(c * DenseFeatures) + j] + rng.NextSingle() - 0.5f;
                values[(r * DenseFeatures) + j] = v;
                margin += v * truth[j];
            }

            labels[r] = rng.NextDouble() < 1 / (1 + Math.Exp(-margin)) ? 1 : 0;
        }

        return InstanceBlock.Dense(rows, DenseFeatures, values, labels);
    }

    /// <summary>
    /// 50K rows × 10^5 features, 1,000 entries per row (one in each run of 100 columns, so indices come sorted and
    /// distinct), in two blocks: 400 MB of values and indices, as much as the dense data.
    /// </summary>
    private static InstanceBlock[] SparseBlocks()
    {
        var rng = new Random(2025);
        var blocks = new InstanceBlock[2];
        const int bucket = SparseFeatures / SparsePerRow;
        for (var b = 0; b < 2; b++)
        {
            var rows = SparseRows / 2;
            var offsets = new int[rows + 1];
            var indices = new int[rows * SparsePerRow];
            var values = new float[rows * SparsePerRow];
            var labels = new double[rows];
            for (var r = 0; r < rows; r++)
            {
                for (var p = 0; p < SparsePerRow; p++)
                {
                    indices[(r * SparsePerRow) + p] = (p * bucket) + rng.Next(bucket);
                    values[(r * SparsePerRow) + p] = (rng.NextSingle() * 2) - 1;
                }

                offsets[r + 1] = (r + 1) * SparsePerRow;
                labels[r] = rng.Next(2);
            }

            blocks[b] = InstanceBlock.Sparse(SparseFeatures, offsets, indices, values, labels);
        }

        return blocks;
    }

    internal static double[] Weights(int d, int seed)
    {
        var rng = new Random(seed);
        var scale = 2 / Math.Sqrt(d);
        return [.. Enumerable.Range(0, d).Select(_ => ((rng.NextDouble() * 2) - 1) * scale)];
    }

    // Ten random rows of the first block moved by noise: starting centres as a random initialisation would pick them.
    private static double[] Centers(InstanceBlock block)
    {
        var rng = new Random(7);
        var centers = new double[Clusters * DenseFeatures];
        for (var c = 0; c < Clusters; c++)
        {
            var r = rng.Next(block.Rows);
            for (var j = 0; j < DenseFeatures; j++)
                centers[(c * DenseFeatures) + j] = block.Values[(r * DenseFeatures) + j] + (0.1 * (rng.NextDouble() - 0.5));
        }

        return centers;
    }

    /// <summary>The baseline: a plain single-threaded scalar loop, float64 throughout, stable loss.</summary>
    internal static double ScalarLogistic(InstanceBlock block, double[] w, double b, double[] g)
    {
        var d = block.Features;
        var x = block.Values;
        var loss = 0.0;
        for (var r = 0; r < block.Rows; r++)
        {
            var offset = r * d;
            var m = b;
            for (var j = 0; j < d; j++)
                m += x[offset + j] * w[j];
            var y = block.Labels[r];
            var t = Math.Exp(-Math.Abs(m));
            loss += (m > 0 ? (1 - y) * m : -y * m) + Math.Log(1 + t);
            var s = (m >= 0 ? 1 / (1 + t) : t / (1 + t)) - y;
            for (var j = 0; j < d; j++)
                g[j] += s * x[offset + j];
            g[d] += s;
        }

        return loss;
    }

    // The benchmark is only worth its numbers if the fast pass computes what the slow one does.
    private static void CheckAgainstScalar(InstanceBlock[] blocks, double[] w, double b, double[] losses, double[][] gradients)
    {
        var g = new double[w.Length + 1];
        var loss = blocks.Sum(block => ScalarLogistic(block, w, b, g));
        var largest = g.Max(Math.Abs);
        var worst = g.Select((v, j) => Math.Abs(v - gradients[0][j] - gradients[1][j])).Max() / largest;
        var lossError = Math.Abs(loss - losses.Sum()) / loss;
        if (worst > 1e-9 || lossError > 1e-9)
            throw new InvalidOperationException($"SimdKernels disagree with the scalar loop: gradient {worst:E2}, loss {lossError:E2} relative.");
    }
}

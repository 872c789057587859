using Dataflow.MLlib.Kernels;

namespace Dataflow.GpuCheck;

/// <summary>
/// Step 2: the ILGPU kernels (on the GPU, or ILGPU's CPU accelerator without one) against the managed SIMD kernels
/// on random dense and CSR blocks: every loss, gradient and k-means sum within 1e-6 relative (of the largest entry).
/// </summary>
internal static class KernelAgreement
{
    public static bool Check(IBlockKernels device, TextWriter output)
    {
        var simd = new SimdKernels();
        var random = new Random(12);
        var ok = true;
        foreach (var sparse in new[] { false, true })
        {
            foreach (var (rows, d) in new[] { (1000, 50), (3000, 700) })
            {
                var block = Block(random, rows, d, sparse, classes: 3);
                var binary = Block(random, rows, d, sparse, classes: 2);
                var w = Filled(random, 3 * d, 1.0 / Math.Sqrt(d));
                var layout = $"{(sparse ? "csr" : "dense")} {rows}x{d}";
                ok &= Compare(output, $"binary logistic, {layout}", g => device.BinaryLogistic(binary, w.AsSpan(0, d), 0.1, g), g => simd.BinaryLogistic(binary, w.AsSpan(0, d), 0.1, g), d + 1);
                ok &= Compare(output, $"least squares, {layout}", g => device.LeastSquares(binary, w.AsSpan(0, d), -0.2, g), g => simd.LeastSquares(binary, w.AsSpan(0, d), -0.2, g), d + 1);
                ok &= Compare(output, $"softmax (3 classes), {layout}", g => device.Multinomial(block, w, [0.1, 0, -0.1], g), g => simd.Multinomial(block, w, [0.1, 0, -0.1], g), (3 * d) + 3);
                var centers = Filled(random, 5 * d, 1);
                var norms = Enumerable.Range(0, 5).Select(c => Math.Sqrt(centers.AsSpan(c * d, d).ToArray().Sum(x => x * x))).ToArray();
                ok &= Compare(output, $"k-means sums (k = 5), {layout}", g => device.KMeansAssign(block, centers, norms, g, new long[5]),
                    g => simd.KMeansAssign(block, centers, norms, g, new long[5]), 5 * d);
            }
        }

        return ok;
    }

    private static bool Compare(TextWriter output, string what, Func<double[], double> device, Func<double[], double> reference, int length)
    {
        var (a, b) = (new double[length], new double[length]);
        var (va, vb) = (device(a), reference(b));
        var scale = Math.Max(1e-300, b.Max(Math.Abs));
        var worst = a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) / scale;
        var value = Math.Abs(va - vb) / Math.Max(1e-300, Math.Abs(vb));
        var ok = worst <= 1e-6 && value <= 1e-6;
        output.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}: value rel. error {value:E2}, vector max rel. error {worst:E2}");
        return ok;
    }

    internal static InstanceBlock Block(Random random, int rows, int d, bool sparse, int classes)
    {
        var labels = Enumerable.Range(0, rows).Select(_ => (double)random.Next(classes)).ToArray();
        if (!sparse)
            return InstanceBlock.Dense(rows, d, [.. Enumerable.Range(0, rows * d).Select(_ => (float)((random.NextDouble() * 2) - 1))], labels);
        var offsets = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < d; j++)
            {
                if (random.NextDouble() < 0.05)
                {
                    indices.Add(j);
                    values.Add((float)((random.NextDouble() * 2) - 1));
                }
            }

            offsets.Add(indices.Count);
        }

        return InstanceBlock.Sparse(d, [.. offsets], [.. indices], [.. values], labels);
    }

    private static double[] Filled(Random random, int count, double scale) => [.. Enumerable.Range(0, count).Select(_ => ((random.NextDouble() * 2) - 1) * scale)];
}

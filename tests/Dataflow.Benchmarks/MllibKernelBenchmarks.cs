using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dataflow.MLlib.Kernels;

namespace Dataflow.Benchmarks;

/// <summary>
/// The kernel-level part of the MLlib benchmark (<c>-- mllib-kernels</c>): the SIMD kernels on one and two threads
/// (one block per thread, as one task per partition in <c>local[2]</c>), with no engine in between.
/// </summary>
/// <remarks>
/// A logistic-gradient pass over dense 1M × 100 float32 is set against a memory copy of the same size measured in the
/// same run (<see cref="Span{T}.CopyTo"/> of 400 MB, on as many threads) and against a plain scalar C# loop on one
/// thread; then the CSR pass (d = 10^5, 1% dense) and the k-means assignment (1M × 100, k = 10). Every timing is a
/// pass over data already in memory, the best and the median of <see cref="Passes"/> after two warm-up passes.
/// </remarks>
internal static partial class MllibKernelBenchmarks
{
    private const int Passes = 7;
    private const int WarmUps = 2;
    private const int DenseRows = 1_000_000;
    private const int DenseFeatures = 100;
    private const int SparseRows = 50_000;
    private const int SparseFeatures = 100_000;
    private const int SparsePerRow = 1_000;
    private const int Clusters = 10;

    public static void Run(StringBuilder results)
    {
        var kernels = new SimdKernels();
        results.AppendLine(CultureInfo.InvariantCulture, $"## MLlib kernels ({kernels.Name}), {Environment.ProcessorCount} cores, Vector<double>.Count = {System.Numerics.Vector<double>.Count}");
        results.AppendLine();
        results.AppendLine(CultureInfo.InvariantCulture, $"Best and median of {Passes} passes after {WarmUps} warm-up passes. GB/s = 10^9 bytes of feature data read per second (dense: 4 bytes a value; CSR: values, indices and offsets); memory copy: bytes copied per second (each is also read and written once).");
        if (File.Exists("/proc/loadavg"))
            results.AppendLine(CultureInfo.InvariantCulture, $"Load average at the start (the machine is shared): {File.ReadAllText("/proc/loadavg").Trim()}.");
        results.AppendLine();
        var copy = new[] { MemoryCopy(1), MemoryCopy(2) };
        results.AppendLine("| pass | threads | best (s) | median (s) | GB/s (best) | vs memory copy, same threads |");
        results.AppendLine("|---|---|---|---|---|---|");
        Row(results, "memory copy, 400 MB (`Span<byte>.CopyTo`)", 1, copy[0], 400e6, copy[0]);
        Row(results, "memory copy, 400 MB (`Span<byte>.CopyTo`)", 2, copy[1], 400e6, copy[1]);
        var summary = new List<string>();
        Dense(results, summary, kernels, copy);
        GC.Collect();
        Sparse(results, summary, kernels, copy);
        GC.Collect();
        results.AppendLine();
        summary.ForEach(line => results.AppendLine(line));
        results.AppendLine();
    }

    private static void Dense(StringBuilder results, List<string> summary, SimdKernels kernels, (double Best, double Median)[] copy)
    {
        var dense = DenseBlocks();
        var bytes = dense.Sum(b => (double)b.FeatureBytes);
        var w = Weights(DenseFeatures, 11);
        var scalar = Time(1, _ =>
        {
            var g = new double[DenseFeatures + 1];
            foreach (var block in dense)
                ScalarLogistic(block, w, 0.1, g);
        });
        Row(results, "logistic gradient, dense 1M × 100, plain scalar C# loop", 1, scalar, bytes, copy[0]);
        var simd1 = Time(1, _ =>
        {
            var g = new double[DenseFeatures + 1];
            foreach (var block in dense)
                kernels.BinaryLogistic(block, w, 0.1, g);
        });
        Row(results, "logistic gradient, dense 1M × 100, SimdKernels", 1, simd1, bytes, copy[0]);
        var gradients = new double[2][];
        var losses = new double[2];
        var simd2 = Time(2, t =>
        {
            gradients[t] = new double[DenseFeatures + 1];
            losses[t] = kernels.BinaryLogistic(dense[t], w, 0.1, gradients[t]);
        });
        Row(results, "logistic gradient, dense 1M × 100, SimdKernels (one 500K-row block per thread)", 2, simd2, bytes, copy[1]);
        CheckAgainstScalar(dense, w, 0.1, losses, gradients);

        var centers = Centers(dense[0]);
        var norms = centers.Chunk(DenseFeatures).Select(c => Math.Sqrt(c.Sum(v => v * v))).ToArray();
        long computedBefore = kernels.DistancesComputed, skippedBefore = kernels.DistancesSkipped;
        var kmeans1 = Time(1, _ =>
        {
            foreach (var block in dense)
                kernels.KMeansAssign(block, centers, norms, new double[Clusters * DenseFeatures], new long[Clusters]);
        });
        var computed = kernels.DistancesComputed - computedBefore;
        var skipped = kernels.DistancesSkipped - skippedBefore;
        Row(results, "k-means assignment, dense 1M × 100, k = 10", 1, kmeans1, bytes, copy[0]);
        var kmeans2 = Time(2, t => kernels.KMeansAssign(dense[t], centers, norms, new double[Clusters * DenseFeatures], new long[Clusters]));
        Row(results, "k-means assignment, dense 1M × 100, k = 10 (one block per thread)", 2, kmeans2, bytes, copy[1]);

        var gb = bytes / 1e9;
        summary.Add(string.Create(CultureInfo.InvariantCulture,
            $"- Dense logistic gradient, 2 threads: **{gb / simd2.Best:F1} GB/s = {gb / simd2.Best / (0.4 / copy[1].Best):P0} of the 2-thread memory copy** (target ≥ 50%); 1 thread: {gb / simd1.Best:F1} GB/s = {gb / simd1.Best / (0.4 / copy[0].Best):P0} of the 1-thread copy and {scalar.Best / simd1.Best:F1}× the scalar loop."));
        summary.Add(string.Create(CultureInfo.InvariantCulture,
            $"- k-means assignment: {kmeans1.Best:F3} s per pass on 1 thread, {kmeans2.Best:F3} s on 2; the norm bound skipped {(double)skipped / (computed + skipped):P1} of the row-to-centre distances ({Clusters} clusters, centres = 10 random rows moved by noise: in 100 dimensions the norms of rows and centres are too alike for the bound to rule anything out)."));
    }

    private static void Sparse(StringBuilder results, List<string> summary, SimdKernels kernels, (double Best, double Median)[] copy)
    {
        var sparse = SparseBlocks();
        var bytes = sparse.Sum(b => (double)b.FeatureBytes);
        var w = Weights(SparseFeatures, 12);
        var sparse1 = Time(1, _ =>
        {
            var g = new double[SparseFeatures + 1];
            foreach (var block in sparse)
                kernels.BinaryLogistic(block, w, 0.1, g);
        });
        Row(results, "logistic gradient, CSR 50K × 10^5 at 1% (1,000 per row)", 1, sparse1, bytes, copy[0]);
        var sparse2 = Time(2, t => kernels.BinaryLogistic(sparse[t], w, 0.1, new double[SparseFeatures + 1]));
        Row(results, "logistic gradient, CSR 50K × 10^5 at 1% (one block per thread)", 2, sparse2, bytes, copy[1]);
        summary.Add(string.Create(CultureInfo.InvariantCulture,
            $"- CSR logistic gradient ({bytes / 1e6:F0} MB of values, indices and offsets): {sparse1.Best:F3} s per pass on 1 thread, {sparse2.Best:F3} s on 2; the 800 KB model and gradient sit in L2, the gathers and scatter-adds land at random in them."));
    }

    private static void Row(StringBuilder results, string pass, int threads, (double Best, double Median) time, double bytes, (double Best, double Median) copy)
    {
        var gbs = bytes / 1e9 / time.Best;
        var copyGbs = 0.4 / copy.Best;
        results.AppendLine(CultureInfo.InvariantCulture, $"| {pass} | {threads} | {time.Best:F4} | {time.Median:F4} | {gbs:F2} | {gbs / copyGbs:P0} |");
    }

    /// <summary>Runs <paramref name="work"/>(thread) on <paramref name="threads"/> threads released together, per pass.</summary>
    internal static (double Best, double Median) Time(int threads, Action<int> work)
    {
        var times = new List<double>();
        using var start = new Barrier(threads + 1);
        using var end = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            for (var p = 0; p < WarmUps + Passes; p++)
            {
                start.SignalAndWait();
                work(t);
                end.SignalAndWait();
            }
        }) { IsBackground = true, Name = $"bench-{t}" }).ToList();
        workers.ForEach(t => t.Start());
        for (var p = 0; p < WarmUps + Passes; p++)
        {
            var t0 = Stopwatch.GetTimestamp();
            start.SignalAndWait();
            end.SignalAndWait();
            if (p >= WarmUps)
                times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }

        workers.ForEach(t => t.Join());
        times.Sort();
        return (times[0], times[times.Count / 2]);
    }

    /// <summary>400 MB copied on <paramref name="threads"/> threads, each its own contiguous share.</summary>
    internal static (double Best, double Median) MemoryCopy(int threads)
    {
        const int bytes = 400_000_000;
        var source = GC.AllocateUninitializedArray<byte>(bytes);
        var target = GC.AllocateUninitializedArray<byte>(bytes);
        source.AsSpan().Fill(7);
        target.AsSpan().Clear();
        var share = bytes / threads;
        return Time(threads, t => source.AsSpan(t * share, share).CopyTo(target.AsSpan(t * share, share)));
    }
}

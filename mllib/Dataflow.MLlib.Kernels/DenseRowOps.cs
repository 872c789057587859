using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dataflow.MLlib.Kernels;

/// <summary>
/// Dot products and scaled additions between float32 rows and float64 vectors, vectorised with <see cref="Vector{T}"/>:
/// each load of <c>Vector&lt;float&gt;.Count</c> floats is widened into two float64 vectors, so every product and sum is
/// float64 (no System.Numerics.Tensors primitive mixes float32 data with float64 weights).
/// </summary>
/// <remarks>
/// The callers have checked every shape, so these read through refs without bounds checks; <c>d</c> may be anything
/// from 0 up (the last <c>d mod Count</c> elements go through a scalar tail). The four-row and four-vector forms exist
/// to keep several independent FMA chains in flight and to share one load (of the weights, or of the row) between
/// four products: they are the hot loops of the dense kernels.
/// </remarks>
internal static class DenseRowOps
{
    /// <summary>Σ x[j]·w[j] over j &lt; d.</summary>
    public static double Dot(ref float x, ref double w, int d)
    {
        var n = (nuint)d;
        var fs = (nuint)Vector<float>.Count;
        var ds = (nuint)Vector<double>.Count;
        Vector<double> a0 = default, a1 = default, a2 = default, a3 = default;
        nuint j = 0;
        for (; j + (2 * fs) <= n; j += 2 * fs)
        {
            Widen(ref x, j, out var l0, out var h0);
            Widen(ref x, j + fs, out var l1, out var h1);
            a0 = Vector.MultiplyAddEstimate(l0, Vector.LoadUnsafe(ref w, j), a0);
            a1 = Vector.MultiplyAddEstimate(h0, Vector.LoadUnsafe(ref w, j + ds), a1);
            a2 = Vector.MultiplyAddEstimate(l1, Vector.LoadUnsafe(ref w, j + fs), a2);
            a3 = Vector.MultiplyAddEstimate(h1, Vector.LoadUnsafe(ref w, j + fs + ds), a3);
        }

        if (j + fs <= n)
        {
            Widen(ref x, j, out var l, out var h);
            a0 = Vector.MultiplyAddEstimate(l, Vector.LoadUnsafe(ref w, j), a0);
            a1 = Vector.MultiplyAddEstimate(h, Vector.LoadUnsafe(ref w, j + ds), a1);
            j += fs;
        }

        var sum = Vector.Sum((a0 + a2) + (a1 + a3));
        for (; j < n; j++)
            sum += Unsafe.Add(ref x, j) * Unsafe.Add(ref w, j);
        return sum;
    }

    /// <summary>The dots of four rows with one vector <paramref name="w"/> (each weight load serves four rows).</summary>
    public static void Dot4Rows(ref float x0, ref float x1, ref float x2, ref float x3, ref double w, int d, out double m0, out double m1, out double m2, out double m3)
    {
        var n = (nuint)d;
        var fs = (nuint)Vector<float>.Count;
        var ds = (nuint)Vector<double>.Count;
        Vector<double> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        nuint j = 0;
        for (; j + fs <= n; j += fs)
        {
            var wl = Vector.LoadUnsafe(ref w, j);
            var wh = Vector.LoadUnsafe(ref w, j + ds);
            Widen(ref x0, j, out var l, out var h);
            a0 = Vector.MultiplyAddEstimate(l, wl, a0);
            b0 = Vector.MultiplyAddEstimate(h, wh, b0);
            Widen(ref x1, j, out l, out h);
            a1 = Vector.MultiplyAddEstimate(l, wl, a1);
            b1 = Vector.MultiplyAddEstimate(h, wh, b1);
            Widen(ref x2, j, out l, out h);
            a2 = Vector.MultiplyAddEstimate(l, wl, a2);
            b2 = Vector.MultiplyAddEstimate(h, wh, b2);
            Widen(ref x3, j, out l, out h);
            a3 = Vector.MultiplyAddEstimate(l, wl, a3);
            b3 = Vector.MultiplyAddEstimate(h, wh, b3);
        }

        // The tail sums in locals: through the out refs every step would wait on a store.
        double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        for (; j < n; j++)
        {
            var wj = Unsafe.Add(ref w, j);
            t0 += Unsafe.Add(ref x0, j) * wj;
            t1 += Unsafe.Add(ref x1, j) * wj;
            t2 += Unsafe.Add(ref x2, j) * wj;
            t3 += Unsafe.Add(ref x3, j) * wj;
        }

        m0 = Vector.Sum(a0 + b0) + t0;
        m1 = Vector.Sum(a1 + b1) + t1;
        m2 = Vector.Sum(a2 + b2) + t2;
        m3 = Vector.Sum(a3 + b3) + t3;
    }

    /// <summary>
    /// The dots of one row with four vectors that start at <paramref name="w"/> and <paramref name="stride"/> doubles
    /// apart (four classes or centres of a row-major matrix; each row load serves four products).
    /// </summary>
    public static void Dot4Vectors(ref float x, ref double w, nint stride, int d, out double m0, out double m1, out double m2, out double m3)
    {
        var n = (nuint)d;
        var fs = (nuint)Vector<float>.Count;
        var ds = (nuint)Vector<double>.Count;
        ref var w0 = ref w;
        ref var w1 = ref Unsafe.Add(ref w, stride);
        ref var w2 = ref Unsafe.Add(ref w, 2 * stride);
        ref var w3 = ref Unsafe.Add(ref w, 3 * stride);
        Vector<double> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        nuint j = 0;
        for (; j + fs <= n; j += fs)
        {
            Widen(ref x, j, out var l, out var h);
            a0 = Vector.MultiplyAddEstimate(l, Vector.LoadUnsafe(ref w0, j), a0);
            b0 = Vector.MultiplyAddEstimate(h, Vector.LoadUnsafe(ref w0, j + ds), b0);
            a1 = Vector.MultiplyAddEstimate(l, Vector.LoadUnsafe(ref w1, j), a1);
            b1 = Vector.MultiplyAddEstimate(h, Vector.LoadUnsafe(ref w1, j + ds), b1);
            a2 = Vector.MultiplyAddEstimate(l, Vector.LoadUnsafe(ref w2, j), a2);
            b2 = Vector.MultiplyAddEstimate(h, Vector.LoadUnsafe(ref w2, j + ds), b2);
            a3 = Vector.MultiplyAddEstimate(l, Vector.LoadUnsafe(ref w3, j), a3);
            b3 = Vector.MultiplyAddEstimate(h, Vector.LoadUnsafe(ref w3, j + ds), b3);
        }

        double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        for (; j < n; j++)
        {
            double xj = Unsafe.Add(ref x, j);
            t0 += xj * Unsafe.Add(ref w0, j);
            t1 += xj * Unsafe.Add(ref w1, j);
            t2 += xj * Unsafe.Add(ref w2, j);
            t3 += xj * Unsafe.Add(ref w3, j);
        }

        m0 = Vector.Sum(a0 + b0) + t0;
        m1 = Vector.Sum(a1 + b1) + t1;
        m2 = Vector.Sum(a2 + b2) + t2;
        m3 = Vector.Sum(a3 + b3) + t3;
    }

    /// <summary>g[j] += s·x[j] over j &lt; d.</summary>
    public static void AddScaled(ref double g, ref float x, double s, int d)
    {
        var n = (nuint)d;
        var fs = (nuint)Vector<float>.Count;
        var ds = (nuint)Vector<double>.Count;
        var sv = new Vector<double>(s);
        nuint j = 0;
        for (; j + fs <= n; j += fs)
        {
            Widen(ref x, j, out var l, out var h);
            Vector.MultiplyAddEstimate(l, sv, Vector.LoadUnsafe(ref g, j)).StoreUnsafe(ref g, j);
            Vector.MultiplyAddEstimate(h, sv, Vector.LoadUnsafe(ref g, j + ds)).StoreUnsafe(ref g, j + ds);
        }

        for (; j < n; j++)
            Unsafe.Add(ref g, j) += s * Unsafe.Add(ref x, j);
    }

    /// <summary>g[j] += s0·x0[j] + s1·x1[j] + s2·x2[j] + s3·x3[j]: one load and store of the gradient for four rows.</summary>
    public static void AddScaled4Rows(ref double g, ref float x0, ref float x1, ref float x2, ref float x3, double s0, double s1, double s2, double s3, int d)
    {
        var n = (nuint)d;
        var fs = (nuint)Vector<float>.Count;
        var ds = (nuint)Vector<double>.Count;
        var v0 = new Vector<double>(s0);
        var v1 = new Vector<double>(s1);
        var v2 = new Vector<double>(s2);
        var v3 = new Vector<double>(s3);
        nuint j = 0;
        for (; j + fs <= n; j += fs)
        {
            var gl = Vector.LoadUnsafe(ref g, j);
            var gh = Vector.LoadUnsafe(ref g, j + ds);
            Widen(ref x0, j, out var l, out var h);
            gl = Vector.MultiplyAddEstimate(l, v0, gl);
            gh = Vector.MultiplyAddEstimate(h, v0, gh);
            Widen(ref x1, j, out l, out h);
            gl = Vector.MultiplyAddEstimate(l, v1, gl);
            gh = Vector.MultiplyAddEstimate(h, v1, gh);
            Widen(ref x2, j, out l, out h);
            gl = Vector.MultiplyAddEstimate(l, v2, gl);
            gh = Vector.MultiplyAddEstimate(h, v2, gh);
            Widen(ref x3, j, out l, out h);
            gl = Vector.MultiplyAddEstimate(l, v3, gl);
            gh = Vector.MultiplyAddEstimate(h, v3, gh);
            gl.StoreUnsafe(ref g, j);
            gh.StoreUnsafe(ref g, j + ds);
        }

        for (; j < n; j++)
        {
            Unsafe.Add(ref g, j) += (s0 * Unsafe.Add(ref x0, j)) + (s1 * Unsafe.Add(ref x1, j)) + (s2 * Unsafe.Add(ref x2, j)) + (s3 * Unsafe.Add(ref x3, j));
        }
    }

    /// <summary>g_k[j] += s_k·x[j] for four vectors g_k that start at <paramref name="g"/>, <paramref name="stride"/> apart.</summary>
    public static void AddScaled4Vectors(ref double g, nint stride, ref float x, double s0, double s1, double s2, double s3, int d)
    {
        var n = (nuint)d;
        var fs = (nuint)Vector<float>.Count;
        var ds = (nuint)Vector<double>.Count;
        ref var g0 = ref g;
        ref var g1 = ref Unsafe.Add(ref g, stride);
        ref var g2 = ref Unsafe.Add(ref g, 2 * stride);
        ref var g3 = ref Unsafe.Add(ref g, 3 * stride);
        var v0 = new Vector<double>(s0);
        var v1 = new Vector<double>(s1);
        var v2 = new Vector<double>(s2);
        var v3 = new Vector<double>(s3);
        nuint j = 0;
        for (; j + fs <= n; j += fs)
        {
            Widen(ref x, j, out var l, out var h);
            Vector.MultiplyAddEstimate(l, v0, Vector.LoadUnsafe(ref g0, j)).StoreUnsafe(ref g0, j);
            Vector.MultiplyAddEstimate(h, v0, Vector.LoadUnsafe(ref g0, j + ds)).StoreUnsafe(ref g0, j + ds);
            Vector.MultiplyAddEstimate(l, v1, Vector.LoadUnsafe(ref g1, j)).StoreUnsafe(ref g1, j);
            Vector.MultiplyAddEstimate(h, v1, Vector.LoadUnsafe(ref g1, j + ds)).StoreUnsafe(ref g1, j + ds);
            Vector.MultiplyAddEstimate(l, v2, Vector.LoadUnsafe(ref g2, j)).StoreUnsafe(ref g2, j);
            Vector.MultiplyAddEstimate(h, v2, Vector.LoadUnsafe(ref g2, j + ds)).StoreUnsafe(ref g2, j + ds);
            Vector.MultiplyAddEstimate(l, v3, Vector.LoadUnsafe(ref g3, j)).StoreUnsafe(ref g3, j);
            Vector.MultiplyAddEstimate(h, v3, Vector.LoadUnsafe(ref g3, j + ds)).StoreUnsafe(ref g3, j + ds);
        }

        for (; j < n; j++)
        {
            double xj = Unsafe.Add(ref x, j);
            Unsafe.Add(ref g0, j) += s0 * xj;
            Unsafe.Add(ref g1, j) += s1 * xj;
            Unsafe.Add(ref g2, j) += s2 * xj;
            Unsafe.Add(ref g3, j) += s3 * xj;
        }
    }

    /// <summary>Σ (x[j] − c[j])² over j &lt; d: the exact squared distance, used where ‖x‖² + ‖c‖² − 2x·c cancels.</summary>
    public static double SquaredDistance(ref float x, ref double c, int d)
    {
        var n = (nuint)d;
        var fs = (nuint)Vector<float>.Count;
        var ds = (nuint)Vector<double>.Count;
        Vector<double> a0 = default, a1 = default;
        nuint j = 0;
        for (; j + fs <= n; j += fs)
        {
            Widen(ref x, j, out var l, out var h);
            var dl = l - Vector.LoadUnsafe(ref c, j);
            var dh = h - Vector.LoadUnsafe(ref c, j + ds);
            a0 = Vector.MultiplyAddEstimate(dl, dl, a0);
            a1 = Vector.MultiplyAddEstimate(dh, dh, a1);
        }

        var sum = Vector.Sum(a0 + a1);
        for (; j < n; j++)
        {
            var diff = Unsafe.Add(ref x, j) - Unsafe.Add(ref c, j);
            sum += diff * diff;
        }

        return sum;
    }

    /// <summary>
    /// Asks for the rows <paramref name="first"/> .. <paramref name="first"/> + <paramref name="count"/> − 1 (of the
    /// subset, when there is one) to be brought towards L1 while the current chunk is computed: with the compute of a
    /// chunk and its memory stalls otherwise taking turns, one thread read at well under the bandwidth of a copy.
    /// </summary>
    /// <remarks>
    /// A prefetch is a hint that never faults, so the address of a row of an unpinned array is good enough: if the
    /// GC moved the array meanwhile, the hint just fetches the wrong lines.
    /// </remarks>
    public static unsafe void Prefetch(ref float x, int[]? rows, int first, int count, int d)
    {
        if (!Sse.IsSupported)
            return;
        for (var i = 0; i < count; i++)
        {
            var row = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref x, (nint)(rows is null ? first + i : rows[first + i]) * d));
            var bytes = (nint)d * sizeof(float);
            for (nint offset = 0; offset < bytes; offset += 64)
                Sse.Prefetch0(row + offset);
        }
    }

    // On x86 each half is converted straight from memory (vcvtps2pd ymm, m128): WidenUpper of a loaded vector would
    // add an extract on the same port as the conversions, which are what limits these loops.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Widen(ref float x, nuint offset, out Vector<double> low, out Vector<double> high)
    {
        if (Avx.IsSupported && Vector<float>.Count == 8)
        {
            low = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref x, offset)).AsVector();
            high = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref x, offset + 4)).AsVector();
        }
        else
        {
            var v = Vector.LoadUnsafe(ref x, offset);
            low = Vector.WidenLower(v);
            high = Vector.WidenUpper(v);
        }
    }
}

namespace Dataflow.MLlib.Kernels.Tests;

/// <summary>
/// What every <see cref="IBlockKernels"/> must do, checked against the float64 plain-loop references of
/// <see cref="ReferenceKernels"/> at a relative error of 1e-6: each implementation (the SIMD kernels here, the
/// ILGPU ones later) derives from this class and supplies its kernels.
/// </summary>
public abstract partial class BlockKernelsContractTests
{
    /// <summary>Widths around and off the vector widths (8 floats, 4 doubles), tiny to wide.</summary>
    public static readonly int[] Widths = [1, 3, 7, 17, 100, 1000];

    // Not a multiple of 4: the four-row steps and the rows left after them both run.
    protected const int RowCount = 39;

    public enum LinearKind
    {
        Logistic,
        Squares,
    }

    public static TheoryData<LinearKind, bool, int> LinearCases()
    {
        var data = new TheoryData<LinearKind, bool, int>();
        foreach (var kind in new[] { LinearKind.Logistic, LinearKind.Squares })
        {
            foreach (var sparse in new[] { false, true })
            {
                foreach (var d in Widths)
                    data.Add(kind, sparse, d);
            }
        }

        return data;
    }

    public static TheoryData<LinearKind, bool> LinearKinds() => new()
    {
        { LinearKind.Logistic, false }, { LinearKind.Logistic, true }, { LinearKind.Squares, false }, { LinearKind.Squares, true },
    };

    public static TheoryData<bool> Layouts() => [false, true];

    protected abstract IBlockKernels CreateKernels();

    [Theory]
    [MemberData(nameof(LinearCases))]
    public void Linear_RandomBlocks_MatchFloat64Reference(LinearKind kind, bool sparse, int d)
    {
        var rng = new Random(1000 + d + (sparse ? 1 : 0) + (10 * (int)kind));
        var block = LinearBlock(rng, kind, RowCount, d, sparse);
        var w = RandomBlocks.Weights(rng, d, d);
        var b = 0.3;
        var gradient = new double[d + 1];

        var loss = CallLinear(CreateKernels(), kind, block, w, b, gradient, null);

        var expected = ReferenceLinear(kind, block, w, b, null);
        Close.Scalar(expected.Loss, loss, what: "loss");
        Close.Vector(expected.Gradient, gradient, "gradient");
    }

    [Theory]
    [MemberData(nameof(LinearKinds))]
    public void Linear_RowSubsets_MatchReferenceOverThoseRows(LinearKind kind, bool sparse)
    {
        var rng = new Random(2000 + (sparse ? 1 : 0) + (10 * (int)kind));
        const int d = 17;
        var block = LinearBlock(rng, kind, RowCount, d, sparse);
        var w = RandomBlocks.Weights(rng, d, d);
        var kernels = CreateKernels();
        int[][] subsets = [RandomBlocks.Subset(rng, RowCount), [0], [RowCount - 1], [1, 2, 3, 4, 5], [.. Enumerable.Range(0, RowCount)]];
        foreach (var rows in subsets)
        {
            var gradient = new double[d + 1];
            var loss = CallLinear(kernels, kind, block, w, -0.2, gradient, rows);
            var expected = ReferenceLinear(kind, block, w, -0.2, rows);
            Close.Scalar(expected.Loss, loss, what: $"loss over {rows.Length} rows");
            Close.Vector(expected.Gradient, gradient, $"gradient over {rows.Length} rows");
        }
    }

    [Theory]
    [MemberData(nameof(LinearKinds))]
    public void Linear_ManyRowsAndLongSubsets_MatchReference(LinearKind kind, bool sparse)
    {
        // Several chunks of rows, a partial one and single rows after them, all rows and a subset of them.
        var rng = new Random(2500 + (sparse ? 1 : 0) + (10 * (int)kind));
        const int d = 33, rows = 301;
        var block = LinearBlock(rng, kind, rows, d, sparse);
        var w = RandomBlocks.Weights(rng, d, d);
        var kernels = CreateKernels();
        foreach (var subset in new[] { null, RandomBlocks.Subset(rng, rows), [.. Enumerable.Range(0, rows).Where(r => r % 3 == 0)] })
        {
            var gradient = new double[d + 1];
            var loss = CallLinear(kernels, kind, block, w, 0.7, gradient, subset);
            var expected = ReferenceLinear(kind, block, w, 0.7, subset);
            Close.Scalar(expected.Loss, loss, what: $"loss over {subset?.Length ?? rows} rows");
            Close.Vector(expected.Gradient, gradient, $"gradient over {subset?.Length ?? rows} rows");
        }
    }

    [Theory]
    [MemberData(nameof(LinearKinds))]
    public void Linear_TwoCalls_AddToTheGradientAlreadyThere(LinearKind kind, bool sparse)
    {
        var rng = new Random(3000 + (sparse ? 1 : 0) + (10 * (int)kind));
        const int d = 100;
        var first = LinearBlock(rng, kind, RowCount, d, sparse);
        var second = LinearBlock(rng, kind, 22, d, sparse);
        var w = RandomBlocks.Weights(rng, d, d);
        var start = RandomBlocks.Filled(rng, d + 1);
        var gradient = (double[])start.Clone();
        var kernels = CreateKernels();

        var loss1 = CallLinear(kernels, kind, first, w, 0.1, gradient, null);
        var loss2 = CallLinear(kernels, kind, second, w, 0.1, gradient, null);

        var expected1 = ReferenceLinear(kind, first, w, 0.1, null);
        var expected2 = ReferenceLinear(kind, second, w, 0.1, null);
        Close.Scalar(expected1.Loss, loss1, what: "first loss");
        Close.Scalar(expected2.Loss, loss2, what: "second loss");
        Close.Vector(Close.Add(start, Close.Add(expected1.Gradient, expected2.Gradient)), gradient, "accumulated gradient");
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void BinaryLogistic_ExtremeMargins_FiniteAndEqualToStableForm(bool sparse)
    {
        // Feature 0 carries the margin itself (weight 1, intercept 0); the other features have weight 0 but enter the
        // gradient, so every row's multiplier σ(m) − y is checked through them.
        double[] margins = [1000, -1000, 745, -745, 710, -710, 40, -40, 36.5, -36.5, 1e-3, 0];
        var rng = new Random(4000 + (sparse ? 1 : 0));
        var rows = new List<double[]>();
        var labels = new List<double>();
        foreach (var m in margins)
        {
            foreach (var y in new[] { 0.0, 1.0 })
            {
                // Four copies, so that a four-row step (vectorised where the kernel vectorises) holds one case.
                for (var copy = 0; copy < 4; copy++)
                {
                    rows.Add([m, (rng.NextDouble() * 2) - 1, (rng.NextDouble() * 2) - 1, 1]);
                    labels.Add(y);
                }
            }
        }

        var block = RandomBlocks.FromRows([.. rows], [.. labels], sparse);
        double[] w = [1, 0, 0, 0];
        var kernels = CreateKernels();

        var gradient = new double[5];
        var total = kernels.BinaryLogistic(block, w, 0, gradient);
        var expected = ReferenceKernels.BinaryLogistic(block, w, 0);
        Close.Scalar(expected.Loss, total, what: "total loss");
        Close.Vector(expected.Gradient, gradient, "gradient");

        // Row by row and four equal rows at a time, with no floor: log(1 + e^−40) ≈ 4.2e-18 must come out as that,
        // not 0, and σ(−40) likewise.
        for (var r = 0; r < block.Rows; r++)
        {
            int[][] subsets = r % 4 == 0 ? [[r], [r, r + 1, r + 2, r + 3]] : [[r]];
            foreach (var subset in subsets)
            {
                var some = new double[5];
                var loss = kernels.BinaryLogistic(block, w, 0, some, subset);
                var reference = ReferenceKernels.BinaryLogistic(block, w, 0, subset);
                var what = $"{subset.Length} row(s) from {r} (margin {ReferenceKernels.Row(block, r)[0]}, label {block.Labels[r]})";
                Close.Scalar(reference.Loss, loss, what: "loss of " + what);
                Close.Scalar(reference.Gradient[^1], some[^1], what: "multiplier of " + what);
            }
        }
    }

    [Theory]
    [InlineData(LinearKind.Logistic)]
    [InlineData(LinearKind.Squares)]
    public void Linear_SparseWithAMillionFeatures_MatchesReference(LinearKind kind)
    {
        var rng = new Random(5000 + (int)kind);
        const int d = 1_000_000;
        var block = LinearBlock(rng, kind, 21, d, sparse: true);
        var w = RandomBlocks.Weights(rng, d, 60);
        var gradient = new double[d + 1];

        var loss = CallLinear(CreateKernels(), kind, block, w, 0.5, gradient, null);

        var expected = ReferenceLinear(kind, block, w, 0.5, null);
        Close.Scalar(expected.Loss, loss, what: "loss");
        Close.Vector(expected.Gradient, gradient, "gradient");
    }

    private static InstanceBlock LinearBlock(Random rng, LinearKind kind, int rows, int d, bool sparse)
        => RandomBlocks.Make(rng, rows, d, sparse, kind == LinearKind.Logistic ? RandomBlocks.Binary : RandomBlocks.Target);

    private static double CallLinear(IBlockKernels kernels, LinearKind kind, InstanceBlock block, double[] w, double b, double[] gradient, int[]? rows)
        => kind == LinearKind.Logistic ? kernels.BinaryLogistic(block, w, b, gradient, rows) : kernels.LeastSquares(block, w, b, gradient, rows);

    private static (double Loss, double[] Gradient) ReferenceLinear(LinearKind kind, InstanceBlock block, double[] w, double b, int[]? rows)
        => kind == LinearKind.Logistic ? ReferenceKernels.BinaryLogistic(block, w, b, rows) : ReferenceKernels.LeastSquares(block, w, b, rows);
}

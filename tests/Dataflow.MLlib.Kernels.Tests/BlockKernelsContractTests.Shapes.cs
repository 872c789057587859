namespace Dataflow.MLlib.Kernels.Tests;

// Shape checks, bad rows and labels, empty blocks: what a kernel does before and instead of computing.
public abstract partial class BlockKernelsContractTests
{
    [Theory]
    [MemberData(nameof(Layouts))]
    public void LinearKernels_WrongShapes_ThrowNamingBothSizes(bool sparse)
    {
        var block = RandomBlocks.Make(new Random(14_000), 6, 5, sparse, RandomBlocks.Binary);
        var kernels = CreateKernels();

        AssertRejected(() => kernels.BinaryLogistic(block, new double[4], 0, new double[6]), "4", "5");
        AssertRejected(() => kernels.BinaryLogistic(block, new double[5], 0, new double[5]), "5", "6");
        AssertRejected(() => kernels.LeastSquares(block, new double[6], 0, new double[6]), "6", "5");
        AssertRejected(() => kernels.LeastSquares(block, new double[5], 0, new double[7]), "7", "6");
        AssertRejected(() => kernels.Multinomial(block, new double[14], new double[3], new double[18]), "14", "15");
        AssertRejected(() => kernels.Multinomial(block, new double[15], new double[3], new double[15]), "15", "18");
        AssertRejected(() => kernels.Multinomial(block, [], [], []), "intercepts");
        AssertRejected(() => kernels.Margins(block, new double[10], new double[2], new double[11]), "11", "12");
        AssertRejected(() => kernels.Margins(block, new double[9], new double[2], new double[12]), "9", "10");
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void KMeansKernels_WrongShapes_ThrowNamingBothSizes(bool sparse)
    {
        var block = RandomBlocks.Make(new Random(15_000), 6, 5, sparse, RandomBlocks.Binary);
        var kernels = CreateKernels();
        var norms = new double[3];

        AssertRejected(() => kernels.KMeansAssign(block, new double[14], norms, new double[15], new long[3]), "14", "15");
        AssertRejected(() => kernels.KMeansAssign(block, new double[15], norms, new double[10], new long[3]), "10", "15");
        AssertRejected(() => kernels.KMeansAssign(block, new double[15], norms, new double[15], new long[2]), "2", "3");
        AssertRejected(() => kernels.KMeansAssign(block, [], [], [], []), "centerNorms");
        AssertRejected(() => kernels.NearestCenters(block, new double[15], norms, new int[5], new double[6]), "5", "6");
        AssertRejected(() => kernels.NearestCenters(block, new double[15], norms, new int[6], new double[7]), "7", "6");
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Kernels_BadRowsOrLabels_ThrowAndAddNothing(bool sparse)
    {
        var rng = new Random(16_000);
        var block = RandomBlocks.Make(rng, 6, 5, sparse, _ => 2);
        var kernels = CreateKernels();
        var start = RandomBlocks.Filled(rng, 6);
        var gradient = (double[])start.Clone();
        var w = new double[5];

        AssertRejected(() => kernels.BinaryLogistic(block, w, 0, gradient, [0, 6]), "rows[1]", "6");
        AssertRejected(() => kernels.LeastSquares(block, w, 0, gradient, [-1]), "-1");
        // Label 2 is no binary label, and no class of a 2-class softmax (it is one of a 3-class one).
        AssertRejected(() => kernels.BinaryLogistic(block, w, 0, gradient), "label 2");
        AssertRejected(() => kernels.Multinomial(block, new double[10], new double[2], new double[12]), "label 2");
        Assert.Equal(start, gradient);
        var three = new double[18];
        kernels.Multinomial(block, new double[15], new double[3], three);
        Assert.Contains(three, v => v != 0);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Kernels_EmptyBlockOrNoRows_ReturnZeroAndLeaveOutputs(bool sparse)
    {
        var rng = new Random(17_000);
        const int d = 9;
        var empty = sparse ? InstanceBlock.Sparse(d, [0], [], [], []) : InstanceBlock.Dense(0, d, [], []);
        var full = RandomBlocks.Make(rng, 5, d, sparse, RandomBlocks.Binary);
        var kernels = CreateKernels();
        var w = RandomBlocks.Weights(rng, 2 * d, d);
        var norms = ReferenceKernels.Norms(w, 2);
        foreach (var (block, rows) in new (InstanceBlock, int[]?)[] { (empty, null), (empty, []), (full, []) })
        {
            var start = RandomBlocks.Filled(rng, (2 * d) + 2);
            var gradient = (double[])start.Clone();
            Assert.Equal(0.0, kernels.BinaryLogistic(block, w.AsSpan(0, d), 1, gradient.AsSpan(0, d + 1), rows));
            Assert.Equal(0.0, kernels.LeastSquares(block, w.AsSpan(0, d), 1, gradient.AsSpan(0, d + 1), rows));
            Assert.Equal(0.0, kernels.Multinomial(block, w, [1, 2], gradient, rows));
            Assert.Equal(start, gradient);
        }

        var sums = RandomBlocks.Filled(rng, 2 * d);
        var before = (double[])sums.Clone();
        long[] counts = [3, 4];
        Assert.Equal(0.0, kernels.KMeansAssign(empty, w, norms, sums, counts));
        Assert.Equal(before, sums);
        Assert.Equal([3L, 4L], counts);
        kernels.NearestCenters(empty, w, norms, [], []);
        kernels.Margins(empty, w, [0, 0], []);
    }

    private static void AssertRejected(Action call, params string[] mentioned)
    {
        var error = Assert.ThrowsAny<ArgumentException>(call);
        foreach (var part in mentioned)
            Assert.Contains(part, error.Message, StringComparison.Ordinal);
    }
}

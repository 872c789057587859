namespace Dataflow.MLlib.Kernels.Tests;

// Softmax regression and K-margin prediction.
public abstract partial class BlockKernelsContractTests
{
    // Class counts below, at and above the four-class step, with leftovers.
    private static readonly int[] ClassCounts = [2, 3, 4, 5, 9];

    public static TheoryData<bool, int, int> MultinomialCases()
    {
        var data = new TheoryData<bool, int, int>();
        foreach (var sparse in new[] { false, true })
        {
            foreach (var d in Widths)
            {
                foreach (var k in ClassCounts)
                    data.Add(sparse, d, k);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MultinomialCases))]
    public void Multinomial_RandomBlocks_MatchFloat64Reference(bool sparse, int d, int k)
    {
        var rng = new Random(6000 + (d * 10) + k + (sparse ? 1 : 0));
        var block = RandomBlocks.Make(rng, RowCount, d, sparse, r => r.Next(k));
        var w = RandomBlocks.Weights(rng, k * d, d);
        var b = RandomBlocks.Filled(rng, k);
        var gradient = new double[(k * d) + k];

        var loss = CreateKernels().Multinomial(block, w, b, gradient);

        var expected = ReferenceKernels.Multinomial(block, w, b);
        Close.Scalar(expected.Loss, loss, what: "loss");
        Close.Vector(expected.Gradient, gradient, "gradient");
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Multinomial_RowSubsetsAndTwoCalls_MatchReference(bool sparse)
    {
        var rng = new Random(7000 + (sparse ? 1 : 0));
        const int d = 17, k = 5;
        var block = RandomBlocks.Make(rng, RowCount, d, sparse, r => r.Next(k));
        var w = RandomBlocks.Weights(rng, k * d, d);
        var b = RandomBlocks.Filled(rng, k);
        var kernels = CreateKernels();
        var subset = RandomBlocks.Subset(rng, RowCount);
        var start = RandomBlocks.Filled(rng, (k * d) + k);
        var gradient = (double[])start.Clone();

        var loss1 = kernels.Multinomial(block, w, b, gradient, subset);
        var loss2 = kernels.Multinomial(block, w, b, gradient, [RowCount - 1]);

        var expected1 = ReferenceKernels.Multinomial(block, w, b, subset);
        var expected2 = ReferenceKernels.Multinomial(block, w, b, [RowCount - 1]);
        Close.Scalar(expected1.Loss, loss1, what: "subset loss");
        Close.Scalar(expected2.Loss, loss2, what: "one-row loss");
        Close.Vector(Close.Add(start, Close.Add(expected1.Gradient, expected2.Gradient)), gradient, "accumulated gradient");
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Multinomial_ExtremeMargins_FiniteAndEqualToLogSumExp(bool sparse)
    {
        // Margins of ±1000 from the intercepts and from feature 0 (weights 1000 and −1000 on it): e^1000 would overflow.
        double[] b = [1000, -1000, 0, 500];
        double[] w = [1000, 0, 0, -1000, 0, 0, 0, 0, 0, 0, 0, 0];
        var rows = new List<double[]>();
        var labels = new List<double>();
        foreach (var x0 in new[] { 1.0, -1.0, 0.0, 0.5 })
        {
            for (var y = 0; y < 4; y++)
            {
                rows.Add([x0, 0.25, -0.5]);
                labels.Add(y);
            }
        }

        var block = RandomBlocks.FromRows([.. rows], [.. labels], sparse);
        var gradient = new double[16];

        var loss = CreateKernels().Multinomial(block, w, b, gradient);

        var expected = ReferenceKernels.Multinomial(block, w, b);
        Close.Scalar(expected.Loss, loss, what: "loss");
        Close.Vector(expected.Gradient, gradient, "gradient");
    }

    public static TheoryData<bool, int, int> MarginCases()
    {
        var data = new TheoryData<bool, int, int>();
        foreach (var sparse in new[] { false, true })
        {
            foreach (var d in Widths)
            {
                foreach (var k in new[] { 1, 3, 4, 6 })
                    data.Add(sparse, d, k);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MarginCases))]
    public void Margins_RandomBlocks_OverwriteWithReference(bool sparse, int d, int k)
    {
        var rng = new Random(8000 + (d * 10) + k + (sparse ? 1 : 0));
        var block = RandomBlocks.Make(rng, RowCount, d, sparse, RandomBlocks.Binary);
        var w = RandomBlocks.Weights(rng, k * d, d);
        var b = RandomBlocks.Filled(rng, k);
        var margins = Enumerable.Repeat(double.NaN, RowCount * k).ToArray();

        CreateKernels().Margins(block, w, b, margins);

        Close.Vector(ReferenceKernels.Margins(block, w, b), margins, "margins");
    }
}

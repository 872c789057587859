using Dataflow.MLlib.Kernels;

namespace Dataflow.MLlib.Kernels.Tests;

public sealed class InstanceBlockTests
{
    [Fact]
    public void Dense_ComputesRowNormsInDouble()
    {
        // 1e-30f squared underflows in float32; the norm is accumulated in float64.
        var block = InstanceBlock.Dense(2, 2, [3f, 4f, 1e-30f, 0f], [0, 1]);

        Assert.Equal(5.0, block.Norms[0], 15);
        Assert.Equal((double)1e-30f, block.Norms[1]);
        Assert.Equal(16, block.FeatureBytes);
    }

    [Fact]
    public void Sparse_ComputesNormsPerRow()
    {
        var block = InstanceBlock.Sparse(5, [0, 2, 2, 3], [1, 4, 0], [3f, 4f, -2f], [1, 0, 1]);

        Assert.Equal(3, block.Rows);
        Assert.Equal([5.0, 0.0, 2.0], block.Norms);
    }

    [Theory]
    [InlineData(new[] { 0, 2 }, new[] { 4, 1 })]  // descending within a row
    [InlineData(new[] { 0, 2 }, new[] { 1, 1 })]  // repeated
    [InlineData(new[] { 0, 1 }, new[] { 5 })]     // outside the feature count
    public void Sparse_RejectsBadIndices(int[] offsets, int[] indices)
    {
        var values = new float[indices.Length];
        Assert.Throws<ArgumentException>(() => InstanceBlock.Sparse(5, offsets, indices, values, [0]));
    }

    [Fact]
    public void Dense_RejectsWrongValueCount()
    {
        var error = Assert.Throws<ArgumentException>(() => InstanceBlock.Dense(2, 3, new float[5], [0, 1]));
        Assert.Contains("2 × 3", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 0, 2 }, new[] { 1, 5 })]        // outside the feature count
    [InlineData(new[] { 0, 2 }, new[] { 3, 1 })]        // descending within a row
    [InlineData(new[] { 0, 3, 2, 3 }, new[] { 0, 1, 2 })] // row 1 would run backwards (and row 0 past it)
    public void Constructor_CsrContentsOutOfRange_Throws(int[] offsets, int[] indices)
    {
        // The constructor (what deserialisation uses) checks what Sparse checks: kernels index models with these.
        var rows = offsets.Length - 1;
        var error = Assert.Throws<ArgumentException>(() =>
            new InstanceBlock(rows, 5, isSparse: true, new float[indices.Length], indices, offsets, new double[rows], new double[rows]));
        Assert.Contains("Row", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sparse_DecreasingOffsets_ThrowNamingTheRow()
    {
        var error = Assert.Throws<ArgumentException>(() => InstanceBlock.Sparse(5, [0, 2, 1, 3], [0, 1, 2], [1f, 2f, 3f], [0, 0, 0]));
        Assert.Contains("Row 1", error.Message, StringComparison.Ordinal);
    }
}

using Dataflow.MLlib.Kernels;

namespace Dataflow.MLlib.RddModel;

/// <summary>
/// How the d + 1 model entries (d weights, then the intercept at key d) are cut into parameter blocks of
/// <see cref="BlockSize"/> keys: block b holds keys [b·size, min((b + 1)·size, d + 1)).
/// </summary>
internal sealed class BlockLayout(int features, int blockSize)
{
    /// <summary>The key of the gradient records that carry a partition's (loss, rows) instead of a block.</summary>
    public const int TotalsKey = -1;

    public int Features { get; } = features;

    public int BlockSize { get; } = blockSize;

    /// <summary>Model entries: the weights and the intercept.</summary>
    public int Dimension => Features + 1;

    public int Blocks => (int)(((long)Dimension + BlockSize - 1) / BlockSize);

    public int FirstKey(int block) => block * BlockSize;

    public int Length(int block) => Math.Min(BlockSize, Dimension - FirstKey(block));

    /// <summary>The blocks the rows of <paramref name="blocks"/> touch: every one for dense data, else those of the non-zero features, and the intercept's.</summary>
    public IEnumerable<int> Touched(IEnumerable<InstanceBlock> blocks)
    {
        var touched = new SortedSet<int> { Features / BlockSize };
        foreach (var block in blocks)
        {
            if (!block.IsSparse)
            {
                return Enumerable.Range(0, Blocks);
            }

            foreach (var feature in block.Indices)
            {
                touched.Add(feature / BlockSize);
            }
        }

        return touched;
    }
}

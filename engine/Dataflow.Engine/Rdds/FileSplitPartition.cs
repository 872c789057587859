using Dataflow.IO;

namespace Dataflow.Rdds;

/// <summary>A partition of a file source: one byte-range split of one input file.</summary>
internal sealed class FileSplitPartition(int index, TextSplit split) : Partition(index)
{
    public TextSplit Split { get; } = split;

    /// <summary>One partition per split of the files <paramref name="path"/> names, in file then offset order.</summary>
    public static Partition[] Create(string path, int minPartitions)
    {
        var splits = TextSplitter.Compute(InputPaths.Expand(path), minPartitions);
        var partitions = new Partition[splits.Count];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = new FileSplitPartition(i, splits[i]);
        }

        return partitions;
    }

    public override string ToString() => $"{Split.Path}:{Split.Start}+{Split.Length}";
}

using Dataflow.Execution;

namespace Dataflow.Rdds;

/// <summary>A collection from the driver, cut into contiguous slices.</summary>
internal sealed class ParallelCollectionRdd<T> : Rdd<T>
{
    private readonly T[] _data;
    private readonly int _numSlices;

    public ParallelCollectionRdd(DataflowContext context, T[] data, int numSlices, CallSite callSite)
        : base(context, [], callSite)
    {
        _data = data;
        _numSlices = numSlices;
    }

    protected override Partition[] GetPartitions()
    {
        var partitions = new Partition[_numSlices];
        for (var i = 0; i < _numSlices; i++)
        {
            var start = (int)((long)i * _data.Length / _numSlices);
            var end = (int)((long)(i + 1) * _data.Length / _numSlices);
            partitions[i] = new SlicePartition(i, start, end - start);
        }

        return partitions;
    }

    protected internal override IEnumerable<T> Compute(Partition split, TaskContext context)
    {
        var slice = (SlicePartition)split;
        context.Metrics.RecordsRead += slice.Count;
        return InterruptibleEnumerable.Wrap(new ArraySegment<T>(_data, slice.Start, slice.Count), context.CancellationToken);
    }

    private sealed class SlicePartition(int index, int start, int count) : Partition(index)
    {
        public int Start { get; } = start;

        public int Count { get; } = count;
    }
}

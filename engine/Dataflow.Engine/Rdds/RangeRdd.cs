using Dataflow.Execution;

namespace Dataflow.Rdds;

/// <summary>The numbers <c>start, start + step, ...</c> below <c>end</c> (above it for a negative step), generated per partition.</summary>
internal sealed class RangeRdd : Rdd<long>
{
    private readonly long _start;
    private readonly long _step;
    private readonly long _count;
    private readonly int _numSlices;

    public RangeRdd(DataflowContext context, long start, long end, long step, int numSlices, CallSite callSite)
        : base(context, [], callSite)
    {
        _start = start;
        _step = step;
        var span = (Int128)end - start;
        var count = span == 0 || (span > 0) != (step > 0) ? 0 : (span + step - (step > 0 ? 1 : -1)) / step;
        _count = (long)Int128.Min(count, long.MaxValue);
        _numSlices = numSlices;
    }

    protected override Partition[] GetPartitions()
    {
        var partitions = new Partition[_numSlices];
        for (var i = 0; i < _numSlices; i++)
        {
            var first = (long)((Int128)i * _count / _numSlices);
            var last = (long)((Int128)(i + 1) * _count / _numSlices);
            partitions[i] = new RangePartition(i, first, last - first);
        }

        return partitions;
    }

    protected internal override IEnumerable<long> Compute(Partition split, TaskContext context)
    {
        var range = (RangePartition)split;
        var token = context.CancellationToken;
        var value = _start + (range.First * _step);
        for (long i = 0; i < range.Count; i++)
        {
            token.ThrowIfCancellationRequested();
            context.Metrics.RecordsRead++;
            yield return value;
            value += _step;
        }
    }

    private sealed class RangePartition(int index, long first, long count) : Partition(index)
    {
        public long First { get; } = first;

        public long Count { get; } = count;
    }
}

namespace Dataflow.Ui.Model;

/// <summary>
/// A persisted RDD and the partitions of it that succeeded tasks computed (and so stored). The event log records no
/// block updates, so evictions and block sizes are not known: a partition counts once a task computed it.
/// </summary>
internal sealed class CachedRddModel
{
    public required RddDescription Rdd { get; set; }

    public SortedSet<int> CachedPartitions { get; } = [];
}

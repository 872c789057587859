namespace Dataflow.Ui.Model;

/// <summary>An RDD of a stage: id, class, user name, call site, parents, partitions and storage level.</summary>
internal sealed record RddDescription(int RddId, string Kind, string? Name, string CallSite, IReadOnlyList<int> ParentIds,
    int NumPartitions, string StorageLevel)
{
    public bool IsPersisted => StorageLevel != "None";

    /// <summary>The name the user gave it, else its class and id (<c>MapPartitionsRdd [3]</c>).</summary>
    public string Label => Name ?? $"{Kind} [{RddId}]";
}

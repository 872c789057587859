namespace Dataflow.Storage;

/// <summary>
/// Where persisted partitions are kept: in memory as objects or as serialised bytes, on local disk serialised, or in
/// memory first and on disk when memory is short. Blocks are evicted least-recently-used first; an evicted memory-only block is simply
/// recomputed from its lineage when needed again.
/// </summary>
/// <remarks>Spark: StorageLevel</remarks>
public sealed record StorageLevel
{
    private StorageLevel(string name, bool useMemory, bool useDisk, bool serialized = false)
    {
        Name = name;
        UseMemory = useMemory;
        UseDisk = useDisk;
        Serialized = serialized;
    }

    /// <summary>Not persisted.</summary>
    public static StorageLevel None { get; } = new(nameof(None), false, false);

    /// <summary>Deserialised objects in memory; blocks that do not fit are recomputed when needed.</summary>
    public static StorageLevel MemoryOnly { get; } = new(nameof(MemoryOnly), true, false);

    /// <summary>In memory; blocks that do not fit or are evicted go to local disk.</summary>
    public static StorageLevel MemoryAndDisk { get; } = new(nameof(MemoryAndDisk), true, true);

    /// <summary>Serialised on local disk only.</summary>
    public static StorageLevel DiskOnly { get; } = new(nameof(DiskOnly), false, true);

    /// <summary>
    /// Serialised bytes in memory: several times smaller than objects for records of small fields, and no work for
    /// the garbage collector, at the cost of deserialising on every read; blocks that do not fit are recomputed.
    /// </summary>
    /// <remarks>Spark: MEMORY_ONLY_SER</remarks>
    public static StorageLevel MemoryOnlySerialized { get; } = new(nameof(MemoryOnlySerialized), true, false, serialized: true);

    /// <summary>Serialised bytes in memory; blocks that do not fit or are evicted go to local disk.</summary>
    /// <remarks>Spark: MEMORY_AND_DISK_SER</remarks>
    public static StorageLevel MemoryAndDiskSerialized { get; } = new(nameof(MemoryAndDiskSerialized), true, true, serialized: true);

    /// <summary>The level's name.</summary>
    public string Name { get; }

    /// <summary>Whether blocks may be kept in memory.</summary>
    public bool UseMemory { get; }

    /// <summary>Whether blocks may be kept on disk.</summary>
    public bool UseDisk { get; }

    /// <summary>Whether blocks in memory are kept as serialised bytes rather than objects.</summary>
    public bool Serialized { get; }

    /// <summary>Whether this is <see cref="None"/>.</summary>
    public bool IsNone => !UseMemory && !UseDisk;

    /// <inheritdoc />
    public override string ToString() => Name;
}

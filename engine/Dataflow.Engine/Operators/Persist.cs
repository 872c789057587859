using Dataflow.Storage;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// Keeps the RDD's partitions, once computed by an action, for later jobs (they are read instead of recomputed
    /// and tasks are placed where they are). The level can be set once; call <see cref="UnpersistAsync{T}"/> to change it.
    /// </summary>
    /// <remarks>Spark: persist</remarks>
    public static Rdd<T> Persist<T>(this Rdd<T> source, StorageLevel level)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(level);
        if (!source.StorageLevel.IsNone && source.StorageLevel != level)
        {
            throw new InvalidOperationException(
                $"RDD {source.Id} ({source.CallSite}) is already persisted as {source.StorageLevel}; call UnpersistAsync before persisting it as {level}.");
        }

        // Serialised levels and disk write the records; on a cluster an executor also reads a block another one
        // holds in its serialised form. Objects cached in local mode are never serialised.
        if (level.UseDisk || level.Serialized || (!level.IsNone && !source.Context.Master.IsLocal))
        {
            Serialization.Records.RecordTypeCheck.Ensure(typeof(T), source.CallSite, $"are persisted as {level}");
        }

        source.StorageLevel = level;
        if (!level.IsNone)
        {
            // Its blocks go once the program drops the RDD.
            source.Context.Cleaner.RegisterRdd(source);
        }

        return source;
    }

    /// <summary>Keeps the RDD's partitions in memory once computed (<see cref="StorageLevel.MemoryOnly"/>).</summary>
    /// <remarks>Spark: cache</remarks>
    public static Rdd<T> Cache<T>(this Rdd<T> source) => source.Persist(StorageLevel.MemoryOnly);

    /// <summary>
    /// Stops keeping the RDD's partitions and drops the stored ones; for an RDD made by a shuffle, also deletes that
    /// shuffle's files (a later job recomputes them from lineage if needed).
    /// </summary>
    /// <remarks>Spark: unpersist</remarks>
    public static Task UnpersistAsync<T>(this Rdd<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        source.StorageLevel = StorageLevel.None;
        source.Context.RemoveRddBlocks(source.Id);
        foreach (var shuffle in source.Dependencies.OfType<Dependencies.ShuffleDependency>())
        {
            source.Context.RemoveShuffle(shuffle.ShuffleId);
        }

        return Task.CompletedTask;
    }
}

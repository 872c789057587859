namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// The keys 0 … <see cref="Keys"/> − 1 of a model range-partitioned over <see cref="Shards"/> shards: shard s holds
/// the contiguous keys [<see cref="First"/>(s), <see cref="First"/>(s + 1)), the first <c>Keys mod Shards</c> shards
/// one key more than the others.
/// </summary>
/// <param name="keys">The model's key count, ≥ 1.</param>
/// <param name="shards">The shard count, from 1 to <paramref name="keys"/>.</param>
public sealed class KeyRanges(int keys, int shards)
{
    /// <summary>The model's key count.</summary>
    public int Keys { get; } = keys >= 1 ? keys : throw new ArgumentOutOfRangeException(nameof(keys), keys, "A model needs at least one key.");

    /// <summary>The shard count.</summary>
    public int Shards { get; } = shards >= 1 && shards <= keys
        ? shards
        : throw new ArgumentOutOfRangeException(nameof(shards), shards, $"The shard count must be from 1 to the key count ({keys}).");

    /// <summary>The first key of shard <paramref name="shard"/> (<see cref="Keys"/> for <c>shard == Shards</c>).</summary>
    public int First(int shard)
    {
        var size = Keys / Shards;
        var extra = Keys % Shards;
        return (shard * size) + Math.Min(shard, extra);
    }

    /// <summary>The number of keys shard <paramref name="shard"/> holds.</summary>
    public int Count(int shard) => First(shard + 1) - First(shard);

    /// <summary>The shard holding <paramref name="key"/>.</summary>
    public int ShardOf(int key)
    {
        if ((uint)key >= (uint)Keys)
        {
            throw new ArgumentOutOfRangeException(nameof(key), key, $"Key {key} is outside the model's keys 0 … {Keys - 1}.");
        }

        var size = Keys / Shards;
        var extra = Keys % Shards;
        var boundary = extra * (size + 1);
        return key < boundary ? key / (size + 1) : extra + ((key - boundary) / size);
    }
}

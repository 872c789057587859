using System.Globalization;
using Dataflow.MLlib.Kernels;
using Dataflow.Storage;

namespace Dataflow.MLlib.Recommendation;

/// <summary>
/// Ratings packed once for the kernels: every partition's ratings become CSR <see cref="InstanceBlock"/>s of two
/// columns per row (user u, item <c>users + i</c>; <see cref="RatingKernel"/>), persisted, with the shape of the
/// problem and which factor rows any rating touches.
/// </summary>
/// <param name="Blocks">The persisted blocks; unpersist them when training ends.</param>
/// <param name="Users">User rows.</param>
/// <param name="Items">Item rows.</param>
/// <param name="Ratings">Ratings in all.</param>
/// <param name="Touched">Per row key (users, then items): whether some rating touches it.</param>
internal sealed record RatingData(Rdd<InstanceBlock> Blocks, int Users, int Items, long Ratings, bool[] Touched)
{
    /// <summary>Ratings per block: 64 Ki rows keep every array of a block well under the block size limit.</summary>
    public const int BlockRows = 1 << 16;

    /// <summary>
    /// Packs and persists <paramref name="ratings"/>; <paramref name="users"/> and <paramref name="items"/> null are
    /// found as the largest ids + 1 (one more job).
    /// </summary>
    /// <exception cref="ArgumentException">No ratings, or a count too large for the factor keys.</exception>
    public static async Task<RatingData> PackAsync(Rdd<Rating> ratings, int? users, int? items, StorageLevel level, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (users is null || items is null)
        {
            var largest = await ratings.SelectPartitions(static rows =>
            {
                var (u, i) = (-1, -1);
                foreach (var r in rows)
                {
                    (u, i) = (Math.Max(u, r.User), Math.Max(i, r.Item));
                }

                return new[] { (u, i) };
            }).ToListAsync(cancellationToken).ConfigureAwait(false);
            users ??= largest.Count == 0 ? 0 : largest.Max(x => x.u) + 1;
            items ??= largest.Count == 0 ? 0 : largest.Max(x => x.i) + 1;
        }

        var (userCount, itemCount) = (users.Value, items.Value);
        if (userCount < 1 || itemCount < 1)
        {
            throw new ArgumentException($"Matrix factorisation needs at least one user and one item, got {userCount} users and {itemCount} items.", nameof(ratings));
        }

        var rows = (long)userCount + itemCount;
        if (rows > int.MaxValue)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{userCount} users and {itemCount} items are more factor rows than keys can number."), nameof(ratings));
        }

        var blocks = ratings.SelectPartitions(part => Pack(part, userCount, itemCount)).Persist(level);
        try
        {
            var shapes = await blocks.SelectPartitions(parts =>
            {
                var touched = new bool[userCount + itemCount];
                var count = 0L;
                foreach (var block in parts)
                {
                    count += block.Rows;
                    foreach (var key in block.Indices)
                    {
                        touched[key] = true;
                    }
                }

                return new[] { (count, Keys: touched.Select((t, k) => t ? k : -1).Where(k => k >= 0).ToArray()) };
            }).ToListAsync(cancellationToken).ConfigureAwait(false);
            var total = shapes.Sum(s => s.count);
            if (total == 0)
            {
                throw new ArgumentException("There are no ratings; matrix factorisation needs at least one.", nameof(ratings));
            }

            var all = new bool[userCount + itemCount];
            foreach (var key in shapes.SelectMany(s => s.Keys))
            {
                all[key] = true;
            }

            return new RatingData(blocks, userCount, itemCount, total, all);
        }
        catch
        {
            await blocks.UnpersistAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static IEnumerable<InstanceBlock> Pack(IEnumerable<Rating> ratings, int users, int items)
    {
        var indices = new List<int>();
        var labels = new List<double>();
        foreach (var r in ratings)
        {
            if ((uint)r.User >= (uint)users || (uint)r.Item >= (uint)items || !double.IsFinite(r.Value))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The rating ({r}) is outside the problem: users are 0 … {users - 1}, items 0 … {items - 1}, and a rating is a finite number."));
            }

            indices.Add(r.User);
            indices.Add(users + r.Item);
            labels.Add(r.Value);
            if (labels.Count == BlockRows)
            {
                yield return Block(indices, labels, users, items);
            }
        }

        if (labels.Count > 0)
        {
            yield return Block(indices, labels, users, items);
        }
    }

    private static InstanceBlock Block(List<int> indices, List<double> labels, int users, int items)
    {
        var offsets = new int[labels.Count + 1];
        for (var r = 1; r < offsets.Length; r++)
        {
            offsets[r] = 2 * r;
        }

        var values = new float[indices.Count];
        Array.Fill(values, 1f);
        var block = InstanceBlock.Sparse(users + items, offsets, [.. indices], values, [.. labels]);
        indices.Clear();
        labels.Clear();
        return block;
    }
}

using Dataflow.MLlib.Data;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Linalg;
using Dataflow.Storage;

namespace Dataflow.MLlib.Training;

/// <summary>The training points packed into cached blocks, with their shape.</summary>
/// <param name="Blocks">The persisted blocks; unpersist them when training ends.</param>
/// <param name="Features">The feature count, the same in every block.</param>
/// <param name="Rows">The number of rows.</param>
internal sealed record TrainingData(Rdd<InstanceBlock> Blocks, int Features, long Rows)
{
    /// <summary>
    /// Packs <paramref name="points"/> into blocks (labels mapped to classes when <paramref name="classes"/> is given),
    /// persists them at <paramref name="level"/> and materialises them with one job that also reads their shapes.
    /// </summary>
    /// <exception cref="ArgumentException">The data is empty, or partitions disagree on the feature count.</exception>
    public static async Task<TrainingData> PackAsync(Rdd<LabeledPoint> points, ClassIndex? classes, StorageLevel level, string callerFile, int callerLine,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(points);
        var blocks = points.ToBlocks(classes, callerFile: callerFile, callerLine: callerLine).Persist(level);
        try
        {
            var shapes = await blocks.Select(static b => (b.Features, (long)b.Rows)).ToListAsync(cancellationToken).ConfigureAwait(false);
            var rows = shapes.Sum(s => s.Item2);
            if (rows == 0)
            {
                throw new ArgumentException("The training data has no rows; a model needs at least one training point.", nameof(points));
            }

            var features = shapes[0].Features;
            if (shapes.Any(s => s.Features != features))
            {
                throw new ArgumentException(
                    $"The training points do not all have the same feature count ({string.Join(", ", shapes.Select(s => s.Features).Distinct())}); " +
                    "load them with one feature count (LIBSVM: numFeatures).", nameof(points));
            }

            return new TrainingData(blocks, features, rows);
        }
        catch
        {
            await blocks.UnpersistAsync().ConfigureAwait(false);
            throw;
        }
    }
}

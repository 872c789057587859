using System.Runtime.CompilerServices;

namespace Dataflow;

public static partial class Rdd
{
    /// <summary>
    /// A histogram of <paramref name="bucketCount"/> evenly spaced buckets between the smallest and the largest
    /// element: <c>Buckets</c> holds the <paramref name="bucketCount"/> + 1 boundaries and <c>Counts</c> the count of
    /// each bucket. Every bucket is [lower, upper) except the last, which is closed, so the maximum is counted. When
    /// all elements are equal there is one bucket [x, x]. Runs two jobs (minimum and maximum, then counts); throws
    /// <see cref="InvalidOperationException"/> on an empty RDD or one containing NaN or ±infinity.
    /// </summary>
    /// <example><code>var (buckets, counts) = await values.HistogramAsync(10);</code></example>
    /// <remarks>Spark: histogram(bucketCount)</remarks>
    public static async Task<(double[] Buckets, long[] Counts)> HistogramAsync(this Rdd<double> source, int bucketCount,
        CancellationToken cancellationToken = default, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucketCount);
        var callSite = new CallSite(nameof(HistogramAsync), callerFile, callerLine);
        var stats = await StatsCoreAsync(source, static x => x, callSite, cancellationToken).ConfigureAwait(false);
        var (min, max) = (stats.Min, stats.Max);
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new InvalidOperationException(
                $"{callSite}: a histogram needs a non-empty RDD of finite numbers, but the minimum is {min} and the maximum {max}.");
        }

        double[] buckets;
        if (min == max)
        {
            buckets = [min, max];
        }
        else
        {
            // min + i * span / count for each boundary, not repeated addition of a step, so rounding never accumulates
            // and the last boundary is exactly max.
            buckets = new double[bucketCount + 1];
            var span = max - min;
            for (var i = 0; i < bucketCount; i++)
            {
                buckets[i] = min + i * span / bucketCount;
            }

            buckets[bucketCount] = max;
        }

        var counts = await HistogramCoreAsync(source, buckets, callSite, cancellationToken).ConfigureAwait(false);
        return (buckets, counts);
    }

    /// <summary>
    /// Counts the elements in each bucket given by the sorted boundaries <paramref name="buckets"/> (at least two,
    /// strictly increasing, no NaN): bucket i is [buckets[i], buckets[i+1]) except the last, which is closed.
    /// Elements outside [buckets[0], buckets[^1]] and NaN are not counted.
    /// </summary>
    /// <example><code>var counts = await values.HistogramAsync([0, 10, 20, 50]); // [0,10) [10,20) [20,50]</code></example>
    /// <remarks>Spark: histogram(buckets)</remarks>
    public static Task<long[]> HistogramAsync(this Rdd<double> source, double[] buckets,
        CancellationToken cancellationToken = default, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(buckets);
        if (buckets.Length < 2)
        {
            throw new ArgumentException($"A histogram needs at least two bucket boundaries; got {buckets.Length}.", nameof(buckets));
        }

        for (var i = 0; i < buckets.Length; i++)
        {
            if (double.IsNaN(buckets[i]) || (i > 0 && !(buckets[i - 1] < buckets[i])))
            {
                throw new ArgumentException(
                    $"Bucket boundaries must be strictly increasing numbers; boundary {i} is {buckets[i]}" +
                    (i > 0 ? $" after {buckets[i - 1]}." : "."), nameof(buckets));
            }
        }

        // Copied so that a caller changing the array while the job runs cannot change the buckets under it.
        return HistogramCoreAsync(source, [.. buckets], new CallSite(nameof(HistogramAsync), callerFile, callerLine),
            cancellationToken);
    }

    private static async Task<long[]> HistogramCoreAsync(Rdd<double> source, double[] buckets, CallSite callSite,
        CancellationToken cancellationToken)
    {
        var result = new long[buckets.Length - 1];
        await source.Context.RunJobAsync(source, (_, items) =>
        {
            var counts = new long[buckets.Length - 1];
            foreach (var item in items)
            {
                var bucket = BucketOf(buckets, item);
                if (bucket >= 0)
                {
                    counts[bucket]++;
                }
            }

            return counts;
        }, null, (_, counts) =>
        {
            for (var i = 0; i < counts.Length; i++)
            {
                result[i] += counts[i];
            }
        }, callSite, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// The bucket of <paramref name="value"/> by binary search, or -1 when outside (or NaN). Also used for evenly
    /// spaced buckets (Spark divides there instead), so that counts always agree with the boundaries returned, even
    /// for a value on a boundary that division would round into the bucket below.
    /// </summary>
    private static int BucketOf(double[] buckets, double value)
    {
        if (double.IsNaN(value) || value < buckets[0] || value > buckets[^1])
        {
            return -1;
        }

        var location = Array.BinarySearch(buckets, value);
        if (location < 0)
        {
            // Not a boundary: ~location is the first boundary above it, so the bucket is the one before.
            return ~location - 1;
        }

        // On a boundary: the bucket it opens, except the last boundary, which closes the last bucket.
        return Math.Min(location, buckets.Length - 2);
    }
}

namespace Dataflow.MLlib.Clustering;

/// <summary>How <see cref="KMeans"/> chooses each run's initial centres.</summary>
/// <remarks>Spark: initMode ("k-means||", "random")</remarks>
public enum KMeansInitialization
{
    /// <summary>
    /// k-means|| (scalable k-means++): a few sampling rounds over the data, oversampling 2k candidates per round
    /// in proportion to their squared distance to the candidates so far, then weighted k-means++ on the driver.
    /// The default.
    /// </summary>
    KMeansParallel,

    /// <summary>k distinct rows drawn uniformly at random (one pass over the data).</summary>
    Random,
}

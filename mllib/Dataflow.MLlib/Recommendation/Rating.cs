using System.Globalization;

namespace Dataflow.MLlib.Recommendation;

/// <summary>One observed rating: user <paramref name="User"/> rated item <paramref name="Item"/> with <paramref name="Value"/>.
/// The record of the RDDs matrix factorisation trains on; it round-trips through the engine's record serialiser.</summary>
/// <param name="User">The user, from 0.</param>
/// <param name="Item">The item, from 0.</param>
/// <param name="Value">The rating.</param>
/// <example><code>var r = new Rating(3, 17, 4.5);</code></example>
/// <remarks>Spark: org.apache.spark.mllib.recommendation.Rating (user, product, rating)</remarks>
public readonly record struct Rating(int User, int Item, double Value)
{
    /// <summary>The form of a ratings file line: <c>user,item,rating</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{User},{Item},{Value:R}");
}

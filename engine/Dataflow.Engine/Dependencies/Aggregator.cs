namespace Dataflow.Dependencies;

/// <summary>
/// The three functions of a by-key aggregation: start a combiner from a value, fold a value into a combiner, and
/// merge two combiners (map-side results meeting on the reduce side).
/// </summary>
/// <remarks>Spark: Aggregator</remarks>
public sealed record Aggregator<TValue, TCombiner>(
    Func<TValue, TCombiner> CreateCombiner,
    Func<TCombiner, TValue, TCombiner> MergeValue,
    Func<TCombiner, TCombiner, TCombiner> MergeCombiners);

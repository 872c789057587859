namespace Dataflow.MLlib.Optimization;

/// <summary>
/// One step of a first-order method on some entries of a parameter vector, given their gradient: the driver's
/// mini-batch SGD steps the whole vector, a parameter-server shard its key range or the sparse keys a worker pushed,
/// the model-in-an-RDD mode a slice. An updater holds only its settings; the state it keeps per entry (AdaGrad's sums
/// of squared gradients) lives in an array the caller owns next to the weights, and the update number comes from the
/// caller's clock, so one updater object serves any number of shards and threads.
/// </summary>
/// <remarks>
/// <para>Keys: <c>weights[i]</c> is the entry with key <c>firstKey + i</c> of the whole model; the key decides whether
/// <see cref="Regularization"/> applies (λ·w is added to the entry's gradient before the step). State:
/// <c>state</c> holds <see cref="StatePerEntry"/> doubles per weight, entry i's at
/// <c>[i · StatePerEntry, (i + 1) · StatePerEntry)</c>, zero before an entry's first update.</para>
/// <para>A sparse update steps only the keys given: an entry not pushed is neither stepped nor decayed by L2 (lazy
/// regularisation), so it equals the dense update of the same gradient only when λ = 0 or every key is pushed.</para>
/// <para>Spark: Updater (SimpleUpdater, SquaredL2Updater).</para>
/// </remarks>
public interface IUpdater
{
    /// <summary>The step size as a function of the update number.</summary>
    IStepSchedule Schedule { get; }

    /// <summary>The L2 penalty applied to the regularised keys.</summary>
    L2Regularization Regularization { get; }

    /// <summary>State doubles kept per entry (0 for SGD, 1 for AdaGrad).</summary>
    int StatePerEntry { get; }

    /// <summary>
    /// Steps every entry of <paramref name="weights"/> (keys <paramref name="firstKey"/> … + Length − 1) by the matching
    /// entry of <paramref name="gradient"/>, as update number <paramref name="t"/> (from 1).
    /// </summary>
    void Update(Span<double> weights, Span<double> state, ReadOnlySpan<double> gradient, int firstKey, long t);

    /// <summary>
    /// Steps only the entries with the given <paramref name="keys"/> (strictly ascending, each within
    /// <paramref name="firstKey"/> … <paramref name="firstKey"/> + weights.Length − 1) by the matching entry of
    /// <paramref name="gradient"/> (one per key), as update number <paramref name="t"/>.
    /// </summary>
    void Update(Span<double> weights, Span<double> state, int firstKey, ReadOnlySpan<int> keys, ReadOnlySpan<double> gradient, long t);
}

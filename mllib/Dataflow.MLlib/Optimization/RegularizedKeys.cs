namespace Dataflow.MLlib.Optimization;

/// <summary>
/// Which entries of a parameter vector (by key: the index in the whole model, whichever shard or slice holds it) L2
/// regularisation applies to. Intercepts are never regularised; the model's layout says where they are, so the
/// caller builds this from it.
/// </summary>
/// <example><code>
/// var binary = RegularizedKeys.Below(features);           // weights 0 … d−1, intercept at key d
/// var softmax = RegularizedKeys.Below(classes * features); // K × d coefficients first, then K intercepts
/// var factors = RegularizedKeys.All;                       // matrix factorisation: every entry
/// </code></example>
public sealed class RegularizedKeys
{
    private readonly int _limit;
    private readonly bool[]? _mask;

    private RegularizedKeys(int limit, bool[]? mask)
    {
        _limit = limit;
        _mask = mask;
    }

    /// <summary>Every key.</summary>
    public static RegularizedKeys All { get; } = new(int.MaxValue, null);

    /// <summary>No key (regularisation off whatever the parameter).</summary>
    public static RegularizedKeys None { get; } = new(0, null);

    /// <summary>Keys 0 … <paramref name="count"/> − 1: the models whose weights come first and intercepts after.</summary>
    public static RegularizedKeys Below(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new RegularizedKeys(count, null);
    }

    /// <summary>Key k is regularised when <c>mask[k]</c>; keys past the mask are not. The mask is copied.</summary>
    public static RegularizedKeys FromMask(ReadOnlySpan<bool> mask) => new(mask.Length, mask.ToArray());

    /// <summary>Whether key <paramref name="key"/> is regularised.</summary>
    public bool Contains(int key) => (uint)key < (uint)_limit && (_mask is null || _mask[key]);
}

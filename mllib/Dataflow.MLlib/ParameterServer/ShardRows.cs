using Dataflow.MLlib.Optimization;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// The values and updater state of one shard's keys: dense (an array over the whole key range, for models whose keys
/// are mostly touched) or sparse (a row is created at its first update, for hashed text features up to 10^7 keys).
/// Not thread-safe: the shard serialises access.
/// </summary>
internal abstract class ShardRows(int firstKey, int count, IUpdater updater)
{
    public int FirstKey { get; } = firstKey;

    public int Count { get; } = count;

    public IUpdater Updater { get; } = updater;

    public int StatePerEntry => Updater.StatePerEntry;

    public static ShardRows Create(bool sparse, int firstKey, int count, IUpdater updater) =>
        sparse ? new SparseShardRows(firstKey, count, updater) : new DenseShardRows(firstKey, count, updater);

    /// <summary>Steps the entries of strictly ascending <paramref name="keys"/> by <paramref name="gradients"/> as update <paramref name="t"/>.</summary>
    public abstract void Apply(int[] keys, double[] gradients, long t);

    /// <summary>The value of <paramref name="key"/> and its state (written into <paramref name="state"/>); zero for a row never updated.</summary>
    public abstract double Read(int key, Span<double> state);

    /// <summary>Sets the value and state of <paramref name="key"/> (creating its row).</summary>
    public abstract void Write(int key, double value, ReadOnlySpan<double> state);

    /// <summary>The rows that exist, ascending, with values and state (dense: every key).</summary>
    public abstract (int[] Keys, double[] Values, double[] State) Export();

    /// <summary>Replaces every row by the exported ones.</summary>
    public abstract void Import(int[] keys, double[] values, double[] state);

    /// <summary>One step of the updater on a single entry held outside the rows (a read's private copy).</summary>
    public void StepCopy(ref double value, Span<double> state, int key, double gradient, long t)
    {
        Span<double> w = [value];
        ReadOnlySpan<int> k = [key];
        ReadOnlySpan<double> g = [gradient];
        Updater.Update(w, state, key, k, g, t);
        value = w[0];
    }
}

internal sealed class DenseShardRows(int firstKey, int count, IUpdater updater) : ShardRows(firstKey, count, updater)
{
    private double[] _values = new double[count];
    private double[] _state = new double[(long)count * updater.StatePerEntry];

    public override void Apply(int[] keys, double[] gradients, long t) => Updater.Update(_values, _state, FirstKey, keys, gradients, t);

    public override double Read(int key, Span<double> state)
    {
        var i = key - FirstKey;
        _state.AsSpan(i * StatePerEntry, StatePerEntry).CopyTo(state);
        return _values[i];
    }

    public override void Write(int key, double value, ReadOnlySpan<double> state)
    {
        var i = key - FirstKey;
        _values[i] = value;
        state.CopyTo(_state.AsSpan(i * StatePerEntry, StatePerEntry));
    }

    public override (int[] Keys, double[] Values, double[] State) Export() =>
        (Enumerable.Range(FirstKey, Count).ToArray(), (double[])_values.Clone(), (double[])_state.Clone());

    public override void Import(int[] keys, double[] values, double[] state)
    {
        var fresh = new double[Count];
        var freshState = new double[_state.Length];
        for (var j = 0; j < keys.Length; j++)
        {
            var i = keys[j] - FirstKey;
            fresh[i] = values[j];
            state.AsSpan(j * StatePerEntry, StatePerEntry).CopyTo(freshState.AsSpan(i * StatePerEntry));
        }

        _values = fresh;
        _state = freshState;
    }
}

internal sealed class SparseShardRows(int firstKey, int count, IUpdater updater) : ShardRows(firstKey, count, updater)
{
    private readonly Dictionary<int, int> _slots = [];
    private double[] _values = new double[16];
    private double[] _state = new double[16 * updater.StatePerEntry];

    public override void Apply(int[] keys, double[] gradients, long t)
    {
        Span<int> key = stackalloc int[1];
        Span<double> gradient = stackalloc double[1];
        for (var j = 0; j < keys.Length; j++)
        {
            if ((uint)(keys[j] - FirstKey) >= (uint)Count)
            {
                throw new ArgumentException($"Key {keys[j]} is outside the keys held ({FirstKey} … {FirstKey + Count - 1}).", nameof(keys));
            }

            var slot = SlotOf(keys[j]);
            key[0] = keys[j];
            gradient[0] = gradients[j];
            Updater.Update(_values.AsSpan(slot, 1), _state.AsSpan(slot * StatePerEntry, StatePerEntry), keys[j], key, gradient, t);
        }
    }

    public override double Read(int key, Span<double> state)
    {
        if (_slots.TryGetValue(key, out var slot))
        {
            _state.AsSpan(slot * StatePerEntry, StatePerEntry).CopyTo(state);
            return _values[slot];
        }

        state.Clear();
        return 0;
    }

    public override void Write(int key, double value, ReadOnlySpan<double> state)
    {
        var slot = SlotOf(key);
        _values[slot] = value;
        state.CopyTo(_state.AsSpan(slot * StatePerEntry, StatePerEntry));
    }

    public override (int[] Keys, double[] Values, double[] State) Export()
    {
        var keys = _slots.Keys.Order().ToArray();
        var values = new double[keys.Length];
        var state = new double[keys.Length * StatePerEntry];
        for (var j = 0; j < keys.Length; j++)
        {
            var slot = _slots[keys[j]];
            values[j] = _values[slot];
            _state.AsSpan(slot * StatePerEntry, StatePerEntry).CopyTo(state.AsSpan(j * StatePerEntry));
        }

        return (keys, values, state);
    }

    public override void Import(int[] keys, double[] values, double[] state)
    {
        _slots.Clear();
        _values = new double[Math.Max(16, keys.Length)];
        _state = new double[_values.Length * StatePerEntry];
        for (var j = 0; j < keys.Length; j++)
        {
            var slot = SlotOf(keys[j]);
            _values[slot] = values[j];
            state.AsSpan(j * StatePerEntry, StatePerEntry).CopyTo(_state.AsSpan(slot * StatePerEntry));
        }
    }

    private int SlotOf(int key)
    {
        if (_slots.TryGetValue(key, out var slot))
        {
            return slot;
        }

        slot = _slots.Count;
        if (slot == _values.Length)
        {
            Array.Resize(ref _values, slot * 2);
            Array.Resize(ref _state, slot * 2 * StatePerEntry);
        }

        _slots.Add(key, slot);
        return slot;
    }
}

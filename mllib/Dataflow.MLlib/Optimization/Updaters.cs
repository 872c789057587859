namespace Dataflow.MLlib.Optimization;

/// <summary>Shape checks shared by the updaters: a mismatch names both sizes (or the offending key).</summary>
internal static class Updaters
{
    public static void CheckSameLength(int weights, int other, string name)
    {
        if (other != weights)
        {
            throw new ArgumentException($"The {name} has {other} entries but there are {weights} weights.", name);
        }
    }

    public static void CheckDense(IUpdater updater, int weights, int state, int gradient, long t)
    {
        CheckSameLength(weights, gradient, "gradient");
        CheckState(updater, weights, state);
        StepSchedules.CheckUpdateNumber(t);
    }

    public static void CheckSparse(IUpdater updater, int weights, int state, int firstKey, ReadOnlySpan<int> keys, int gradient, long t)
    {
        if (gradient != keys.Length)
        {
            throw new ArgumentException($"A sparse update needs one gradient entry per key: {keys.Length} keys, {gradient} entries.", nameof(gradient));
        }

        CheckState(updater, weights, state);
        StepSchedules.CheckUpdateNumber(t);
        var previous = long.MinValue;
        foreach (var key in keys)
        {
            if (key <= previous || key < firstKey || (long)key - firstKey >= weights)
            {
                throw new ArgumentException(key <= previous
                    ? $"Keys of a sparse update must be strictly ascending: {key} follows {previous}."
                    : $"Key {key} is outside the keys held ({firstKey} … {(long)firstKey + weights - 1}).", nameof(keys));
            }

            previous = key;
        }
    }

    private static void CheckState(IUpdater updater, int weights, int state)
    {
        if ((long)weights * updater.StatePerEntry != state)
        {
            throw new ArgumentException(
                $"{updater.GetType().Name} keeps {updater.StatePerEntry} state entries per weight: {weights} weights need " +
                $"{(long)weights * updater.StatePerEntry}, got {state}.", nameof(state));
        }
    }
}

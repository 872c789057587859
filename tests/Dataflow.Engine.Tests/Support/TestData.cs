namespace Dataflow.Tests.Support;

/// <summary>Random inputs for differential tests: duplicates, skew, empty partitions.</summary>
public static class TestData
{
    public static int[] Ints(Random random, int maxCount = 300, int maxValue = 50)
    {
        var count = random.Next(0, maxCount);
        return [.. Enumerable.Range(0, count).Select(_ => random.Next(-maxValue, maxValue))];
    }

    /// <summary>Key/value pairs whose keys are skewed: about a third share one hot key.</summary>
    public static (string Key, int Value)[] Pairs(Random random, int maxCount = 300, int keySpace = 30)
    {
        var count = random.Next(0, maxCount);
        return [.. Enumerable.Range(0, count).Select(_ =>
            (random.Next(3) == 0 ? "hot" : "k" + random.Next(keySpace).ToString(System.Globalization.CultureInfo.InvariantCulture), random.Next(-100, 100)))];
    }

    /// <summary>A partition count from 1 to more than there are elements (so some partitions are empty).</summary>
    public static int Partitions(Random random, int count) => random.Next(1, Math.Max(2, Math.Min(count + 3, 12)));
}

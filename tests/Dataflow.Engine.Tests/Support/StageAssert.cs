namespace Dataflow.Tests.Support;

/// <summary>Assertions about what a job ran, read from the fixture's <see cref="EventRecorder"/>.</summary>
public static class StageAssert
{
    /// <summary>
    /// Runs <paramref name="action"/> and asserts that its (last) job ran exactly <paramref name="expectedStages"/>
    /// stages, and that it wrote shuffle bytes exactly when <paramref name="shuffles"/> (default: more than one stage).
    /// </summary>
    public static async Task<T> RunsStagesAsync<T>(ContextFixture fixture, int expectedStages, Func<Task<T>> action, bool? shuffles = null)
    {
        await fixture.ResetEventsAsync();
        var result = await action();
        await fixture.Context.Listeners.FlushAsync();
        var stages = fixture.Recorder.StagesRun(fixture.Recorder.LastJobId);
        Assert.Equal(expectedStages, stages.Count);
        var bytes = stages.Sum(s => s.Metrics.ShuffleWriteBytes);
        if (shuffles ?? expectedStages > 1)
        {
            Assert.True(bytes > 0, "expected shuffle bytes to be written");
        }
        else if (expectedStages == 1)
        {
            Assert.Equal(0L, bytes);
        }

        return result;
    }

    /// <summary>Equal as multisets, compared by each element's text (so tuples, anonymous types and groupings compare by value).</summary>
    public static void SameMultiset<T>(IEnumerable<T> expected, IEnumerable<T> actual)
    {
        var e = expected.Select(x => x?.ToString() ?? "null").Order(StringComparer.Ordinal).ToList();
        var a = actual.Select(x => x?.ToString() ?? "null").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(e, a);
    }
}

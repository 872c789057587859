using Dataflow.Scheduling;

namespace Dataflow.Tests.Support;

/// <summary>
/// The job loop of iterative training, tiny: each iteration broadcasts a weight, tree-aggregates a weighted sum over a
/// cached RDD (8 partitions, so the tree has one shuffle level of its own) and destroys the broadcast, as an ML
/// iteration does. Every result is checked against a plain loop.
/// </summary>
public static class IterationLoop
{
    public const int Partitions = 8;

    private static readonly double[] s_values = [.. Enumerable.Range(0, 64).Select(i => (double)i)];

    /// <summary>Runs <paramref name="jobs"/> iterations, calling <paramref name="afterJob"/> after each.</summary>
    public static async Task RunAsync(DataflowContext context, int jobs, Func<int, Task> afterJob, CancellationToken cancellationToken)
    {
        var data = context.Parallelize(s_values, Partitions).Cache();
        for (var job = 1; job <= jobs; job++)
        {
            var weight = context.Broadcast(new[] { (double)job });
            var (sum, count) = await data.TreeAggregateAsync((0.0, 0L),
                (a, x) => (a.Item1 + (weight.Value[0] * x), a.Item2 + 1),
                (a, b) => (a.Item1 + b.Item1, a.Item2 + b.Item2), 2, cancellationToken);

            // Integers times an integer: exact in float64 whatever the order of the sum.
            var expected = 0.0;
            foreach (var value in s_values)
            {
                expected += job * value;
            }

            Assert.Equal(expected, sum);
            Assert.Equal(s_values.Length, count);
            await weight.DestroyAsync();
            await afterJob(job);
        }
    }

    /// <summary>The managed heap after a full, finalising collection.</summary>
    public static long HeapAfterFullGc()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Asserts that the last job ran a shuffle map stage and a result stage (the loop exercises a tree level).</summary>
    public static void AssertLastJobShuffled(EventRecorder recorder)
    {
        var stages = recorder.StagesRun(recorder.LastJobId);
        Assert.Equal(2, stages.Count);
        Assert.Single(stages, s => s.Stage.ShuffleId is not null);
    }
}

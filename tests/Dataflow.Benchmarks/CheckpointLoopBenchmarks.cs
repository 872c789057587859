using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dataflow.Partitioning;
using Dataflow.Scheduling;

namespace Dataflow.Benchmarks;

/// <summary>
/// The iterative loop of a model kept in an RDD, tiny (64 keys, 4 partitions, local[2]): each iteration re-keys the
/// state through a shuffle and joins it with cached data; checkpointed every 10 iterations (or never). Reports the
/// job-submission time (action called → job started: lineage walk, preparation, stage creation) and the whole
/// iteration time around iterations 100 and 1,000, and their ratio: flat with checkpoints, growing without.
/// </summary>
internal static class CheckpointLoopBenchmarks
{
    private const int Keys = 64;

    public static async Task RunAsync(StringBuilder results)
    {
        results.AppendLine("## Iterative loop with checkpoints: job submission at iteration 100 vs 1,000 (local[2])");
        results.AppendLine();
        results.AppendLine("One shuffle and a narrow join per iteration; means over iterations 91–100 and 991–1,000.");
        results.AppendLine();
        results.AppendLine("| checkpoint | submit @100 (ms) | submit @1000 (ms) | ratio | iteration @100 (ms) | iteration @1000 (ms) | ratio |");
        results.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var mode in new[] { "local every 10", "reliable every 10", "none (400 iterations)" })
        {
            var iterations = mode.StartsWith("none", StringComparison.Ordinal) ? 400 : 1_000;
            var (submitEarly, submitLate, iterEarly, iterLate) = await LoopAsync(mode, iterations);
            var late = iterations == 1_000 ? "@1000" : $"@{iterations}";
            results.AppendLine(CultureInfo.InvariantCulture,
                $"| {mode} | {submitEarly:F2} | {submitLate:F2} ({late}) | {submitLate / submitEarly:F2} | {iterEarly:F2} | {iterLate:F2} | {iterLate / iterEarly:F2} |");
        }

        results.AppendLine();
    }

    private static async Task<(double SubmitEarly, double SubmitLate, double IterationEarly, double IterationLate)> LoopAsync(string mode, int iterations)
    {
        var directory = Path.Combine(Path.GetTempPath(), "dataflow-bench-checkpoints-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var ctx = new DataflowContext("local[2]");
            if (mode.StartsWith("reliable", StringComparison.Ordinal))
            {
                ctx.SetCheckpointDirectory(directory);
            }

            var starts = new JobStarts();
            ctx.Listeners.Add(starts);
            var partitioner = new HashPartitioner(4);
            var increments = ctx.Parallelize(Enumerable.Range(0, Keys).Select(k => (k, (long)k)).ToArray(), 4).PartitionBy(partitioner).Cache();
            Rdd<(int Key, long Value)> state = ctx.Parallelize(Enumerable.Range(0, Keys).Select(k => (k, 0L)).ToArray(), 4);
            var submit = new double[iterations + 1];
            var whole = new double[iterations + 1];
            for (var i = 1; i <= iterations; i++)
            {
                state = state.Select(kv => (kv.Key, kv.Value)).ReduceByKey((a, b) => a + b, partitioner)
                    .Join(increments).Select(kv => (kv.Key, kv.Value.Left + kv.Value.Right));
                if (i % 10 == 0 && !mode.StartsWith("none", StringComparison.Ordinal))
                {
                    state = mode.StartsWith("local", StringComparison.Ordinal) ? state.LocalCheckpoint() : state.Checkpoint();
                }

                var called = DateTimeOffset.UtcNow;
                var sw = Stopwatch.StartNew();
                var sum = await state.Select(kv => kv.Value).SumAsync();
                whole[i] = sw.Elapsed.TotalMilliseconds;
                await ctx.Listeners.FlushAsync();
                submit[i] = (starts.First(called) - called).TotalMilliseconds;
                if (sum != i * (long)(Keys * (Keys - 1) / 2))
                {
                    throw new InvalidOperationException($"iteration {i}: sum {sum} is wrong");
                }
            }

            static double Mean(double[] values, int last) => values.Skip(last - 9).Take(10).Average();
            return (Mean(submit, 100), Mean(submit, iterations), Mean(whole, 100), Mean(whole, iterations));
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private sealed class JobStarts : IDataflowListener
    {
        private readonly List<DateTimeOffset> _starts = [];

        public void OnEvent(DataflowEvent e)
        {
            if (e is JobStartEvent start)
            {
                lock (_starts)
                {
                    _starts.Add(start.Time);
                }
            }
        }

        /// <summary>The first job start at or after <paramref name="after"/>.</summary>
        public DateTimeOffset First(DateTimeOffset after)
        {
            lock (_starts)
            {
                return _starts.Where(t => t >= after).DefaultIfEmpty(after).Min();
            }
        }
    }
}

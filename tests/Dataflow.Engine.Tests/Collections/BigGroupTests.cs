using Dataflow.Configuration;
using Dataflow.Execution;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Collections;

/// <summary>
/// One key whose values take eight times the executor's memory, grouped and iterated inside the job: the managed heap
/// (measured after full collections while iterating) must stay within twice the budget plus a runtime allowance.
/// Runs alone so other tests' allocations do not count.
/// </summary>
[Collection(nameof(MemoryMeasuringCollection))]
public sealed class BigGroupTests
{
    private const long MiB = 1024 * 1024;
    private const long Budget = 16 * MiB;
    private const long RuntimeAllowance = 8 * MiB;

    // A 100-character string costs ~230 bytes of managed memory: 600k of them are ~8x the 16 MiB budget.
    private const int ValueCount = 600_000;

    private static string Value(long i) => i.ToString("D12", System.Globalization.CultureInfo.InvariantCulture) + new string((char)('a' + (i % 26)), 88);

    [Fact]
    public async Task GroupByKey_OneKeyEightTimesTheBudget_IteratesWithinTwiceTheBudget()
    {
        var options = new DataflowOptions { Master = "local[2]" };
        options.Executor.Memory = new ByteSize(Budget);
        await using var ctx = new DataflowContext(options);
        var ct = TestContext.Current.CancellationToken;
        var values = ctx.Range(0, ValueCount, numSlices: 4).Select(i => (Key: 42, Value: Value(i)));
        var grouped = values.GroupByKey(1).SelectPartitions(groups =>
        {
            long count = 0;
            long checksum = 0;
            foreach (var (_, group) in groups)
            {
                foreach (var value in group)
                {
                    count++;
                    checksum += long.Parse(value.AsSpan(0, 12), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            return new[] { (Count: count, Checksum: checksum, Spilled: TaskContext.Current!.Metrics.SpillBytes) };
        });

        // Live memory is sampled after full collections, back to back, for the whole job: map side, the reduce side
        // draining the key's values into its group, and the iteration.
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var done = 0;
        var peak = 0L;
        var sampler = new Thread(() =>
        {
            while (Volatile.Read(ref done) == 0)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        });
        sampler.Start();
        List<(long Count, long Checksum, long Spilled)> results;
        try
        {
            results = await grouped.ToListAsync(ct);
        }
        finally
        {
            Volatile.Write(ref done, 1);
            sampler.Join();
        }

        var (count, checksum, spilled) = Assert.Single(results);
        Assert.Equal(ValueCount, count);
        Assert.Equal((long)ValueCount * (ValueCount - 1) / 2, checksum);
        Assert.True(spilled > 0, "the group should have spilled");
        Assert.True(peak < 2 * Budget + RuntimeAllowance, $"live memory grew by {peak / MiB} MiB during the job; the bound is {(2 * Budget + RuntimeAllowance) / MiB} MiB");
    }
}

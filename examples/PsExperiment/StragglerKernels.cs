using System.Collections.Concurrent;
using System.Diagnostics;
using Dataflow.Execution;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.ParameterServer;

namespace Dataflow.Examples.PsExperiment;

/// <summary>
/// The stragglers of the driver and rdd modes: the run's kernels (<c>--device</c>), with each kernel call of a slowed (worker,
/// iteration) stretched to factor × its own time by sleeping (whole milliseconds, rounded up), as the PS workers do.
/// The worker is the task's partition; the iteration is the count of distinct jobs in which that partition has called
/// the kernels (one gradient pass per iteration in both modes). Tasks get a deserialised copy of the kernels, so the
/// plan and what the calls measured live in a process-wide table under the run's id: local mode only.
/// </summary>
internal sealed class StragglerKernels : IBlockKernels, IDisposable
{
    private static readonly ConcurrentDictionary<string, Run> s_runs = new();
    private readonly string _runId;

    /// <summary>Slows the managed SIMD kernels.</summary>
    public StragglerKernels(IReadOnlyList<ClockSlowdown> slowdowns)
        : this(slowdowns, new SimdKernels())
    {
    }

    /// <summary>Slows <paramref name="inner"/>.</summary>
    public StragglerKernels(IReadOnlyList<ClockSlowdown> slowdowns, IBlockKernels inner)
    {
        _runId = Guid.NewGuid().ToString("N");
        s_runs[_runId] = new Run(slowdowns.ToDictionary(s => (s.Worker, s.Clock), s => s.Factor), inner);
    }

    public string Name => Inner.Name;

    // The wrapped kernels live in the process-wide table, like the plan: a task's copy finds them by the run's id.
    private IBlockKernels Inner => s_runs[_runId].Inner;

    /// <summary>Per slowed (worker, clock from 0): the kernel time and the sleep added.</summary>
    public Dictionary<(int Worker, int Clock), (double Kernels, double Slept)> SlowedCalls()
    {
        var run = s_runs[_runId];
        lock (run.Lock)
        {
            return new Dictionary<(int, int), (double, double)>(run.Slowed);
        }
    }

    public void Dispose() => s_runs.TryRemove(_runId, out _);

    public double BinaryLogistic(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null)
    {
        var start = Stopwatch.GetTimestamp();
        var loss = Inner.BinaryLogistic(block, coefficients, intercept, gradient, rows);
        Stretch(start);
        return loss;
    }

    public double MatrixFactorization(InstanceBlock block, int users, int rank, ReadOnlySpan<double> factors, Span<double> gradient, int[]? rows = null)
    {
        var start = Stopwatch.GetTimestamp();
        var loss = RatingKernel.SquaredError(block, users, rank, factors, gradient, rows);
        Stretch(start);
        return loss;
    }

    public double Multinomial(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> gradient, int[]? rows = null) =>
        Inner.Multinomial(block, coefficients, intercepts, gradient, rows);

    public double LeastSquares(InstanceBlock block, ReadOnlySpan<double> coefficients, double intercept, Span<double> gradient, int[]? rows = null) =>
        Inner.LeastSquares(block, coefficients, intercept, gradient, rows);

    public double KMeansAssign(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<double> sums, Span<long> counts) =>
        Inner.KMeansAssign(block, centers, centerNorms, sums, counts);

    public void NearestCenters(InstanceBlock block, ReadOnlySpan<double> centers, ReadOnlySpan<double> centerNorms, Span<int> nearest, Span<double> squaredDistances) =>
        Inner.NearestCenters(block, centers, centerNorms, nearest, squaredDistances);

    public void Margins(InstanceBlock block, ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, Span<double> margins) =>
        Inner.Margins(block, coefficients, intercepts, margins);

    private void Stretch(long start)
    {
        if (TaskContext.Current is not { } task || !s_runs.TryGetValue(_runId, out var run))
        {
            return;
        }

        int clock;
        lock (run.Lock)
        {
            var (job, iterations) = run.Seen.GetValueOrDefault(task.PartitionId, (-1, 0));
            if (job != task.JobId)
            {
                (job, iterations) = (task.JobId, iterations + 1);
                run.Seen[task.PartitionId] = (job, iterations);
            }

            clock = iterations - 1;
        }

        if (!run.Plan.TryGetValue((task.PartitionId, clock), out var factor) || factor <= 1)
        {
            return;
        }

        var kernels = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var until = kernels * factor;
        // The remaining time is read once per sleep (read twice it can turn negative in between, and Thread.Sleep throws).
        for (var remaining = until - Stopwatch.GetElapsedTime(start).TotalSeconds; remaining > 0; remaining = until - Stopwatch.GetElapsedTime(start).TotalSeconds)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Ceiling(remaining * 1000)));
        }

        var slept = Stopwatch.GetElapsedTime(start).TotalSeconds - kernels;
        lock (run.Lock)
        {
            var (k, s) = run.Slowed.GetValueOrDefault((task.PartitionId, clock));
            run.Slowed[(task.PartitionId, clock)] = (k + kernels, s + slept);
        }
    }

    private sealed class Run(Dictionary<(int Worker, int Clock), double> plan, IBlockKernels inner)
    {
        public IBlockKernels Inner { get; } = inner;

        public Lock Lock { get; } = new();

        public Dictionary<(int Worker, int Clock), double> Plan { get; } = plan;

        public Dictionary<int, (int Job, int Iterations)> Seen { get; } = [];

        public Dictionary<(int Worker, int Clock), (double Kernels, double Slept)> Slowed { get; } = [];
    }
}

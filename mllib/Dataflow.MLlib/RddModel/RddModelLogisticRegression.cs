using System.Diagnostics;
using System.Runtime.CompilerServices;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.Optimization;
using Dataflow.MLlib.Training;
using Dataflow.Partitioning;
using Dataflow.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dataflow.MLlib.RddModel;

/// <summary>
/// Binary logistic regression with the model kept in an RDD, Spark's workaround for models the driver cannot hold:
/// the parameters are an <c>Rdd&lt;(int Block, double[] Values)&gt;</c> of feature blocks (each block's weights followed
/// by the updater's state for them), hash-partitioned by block. Every iteration joins the blocks each data partition
/// touches with the parameters and ships them to that partition, computes the mini-batch gradient there with the MLlib
/// kernels, shuffles the contributions back by block, and joins them with the parameters to apply the updater, giving
/// the next parameter RDD; the previous one is unpersisted. The lineage grows by a few RDDs per iteration until the
/// parameters are checkpointed, every <see cref="CheckpointEvery"/> iterations.
/// </summary>
/// <remarks>
/// <para>The same function and steps as driver-mode mini-batch SGD with the same <see cref="Updater"/>: the objective is
/// the mean log-loss over the rows + (λ/2)‖w‖² (intercept, key d, unpenalised); iteration t samples the mini-batch
/// <see cref="MiniBatch.For"/>(<see cref="Seed"/>, t, <see cref="MiniBatchFraction"/>) inside the partitions exactly
/// as <see cref="BlockPass"/> does, and steps every entry (untouched blocks with a zero gradient) as update t.</para>
/// <para>Per data partition the set of parameter blocks its rows touch is computed once (the block of each non-zero
/// feature, and the intercept's), so only those blocks travel to it. The partition assembles them into a model vector
/// of length d + 1 (zeros elsewhere) for the kernels.</para>
/// <para>Each iteration runs two jobs: the gradient job (two shuffles: parameters out, gradients back) returns the
/// batch's loss and row count; the update job computes and caches the next parameters (and the penalty recorded with
/// the next iteration's objective).</para>
/// </remarks>
public sealed class RddModelLogisticRegression
{
    /// <summary>
    /// The updater; null (the default) is AdaGrad with a constant step 0.5 (the parameter-server mode's default) and
    /// the L2 penalty <see cref="RegParam"/> on the weights. A given updater brings its own regularisation.
    /// </summary>
    public IUpdater? Updater { get; set; }

    /// <summary>The default updater's constant step size η. Default 0.5.</summary>
    public double StepSize { get; set; } = AdaGradUpdater.DefaultStep;

    /// <summary>λ, the L2 strength on the weights (never the intercept). Default 0.</summary>
    public double RegParam { get; set; }

    /// <summary>Iterations. Default 100.</summary>
    public int MaxIterations { get; set; } = 100;

    /// <summary>The share of rows in each mini-batch, in (0, 1]. Default 1.</summary>
    public double MiniBatchFraction { get; set; } = 1.0;

    /// <summary>The run's seed for mini-batch sampling. Default 42.</summary>
    public long Seed { get; set; } = 42;

    /// <summary>Features per parameter block. Default 65,536.</summary>
    public int BlockSize { get; set; } = 65_536;

    /// <summary>Partitions of the parameter RDD; null (the default) for as many as the training data has.</summary>
    public int? ParameterPartitions { get; set; }

    /// <summary>Checkpoint the parameter RDD every this many iterations; 0 never. Default 10.</summary>
    public int CheckpointEvery { get; set; } = 10;

    /// <summary>
    /// Where reliable checkpoints go; null (the default) takes local checkpoints (executors' block managers: fast,
    /// not fault-tolerant). Set, the context's checkpoint directory is set to it.
    /// </summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Collect the first this many iterates to the driver into the result (a job each). Default 0.</summary>
    public int CollectIterates { get; set; }

    /// <summary>The per-block kernels. Default the managed SIMD kernels.</summary>
    public IBlockKernels Kernels { get; set; } = new SimdKernels();

    /// <summary>
    /// Stop after the first iteration that ends this long after the first iteration started (status
    /// <see cref="OptimizationStatus.TimeLimit"/>). Default null: no limit.
    /// </summary>
    public TimeSpan? MaxTime { get; set; }

    /// <summary>Told of each iteration's objective and timings as the iteration ends, on the training's flow. Default null.</summary>
    public IProgress<RddIterationTimings>? Progress { get; set; }

    /// <summary>Where progress goes.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Trains on <paramref name="points"/> (two distinct labels).</summary>
    /// <exception cref="ArgumentException">The data is empty, has other than two classes, or a setting is out of range.</exception>
    public async Task<RddModelResult> FitAsync(Rdd<LabeledPoint> points, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        Validate();
        var ctx = points.Context;
        var classes = await ClassIndex.FitAsync(points, cancellationToken: cancellationToken, callerFile: callerFile, callerLine: callerLine)
            .ConfigureAwait(false);
        if (classes.Count != 2)
        {
            throw new ArgumentException($"Model-in-an-RDD logistic regression is binary, but the labels are {classes}; check the label column.", nameof(points));
        }

        if (CheckpointDirectory is { } checkpoints)
        {
            ctx.SetCheckpointDirectory(checkpoints);
        }

        var data = await TrainingData.PackAsync(points, classes, StorageLevel.MemoryAndDisk, callerFile, callerLine, cancellationToken).ConfigureAwait(false);
        var listener = new RddJobListener();
        ctx.Listeners.Add(listener);
        var layout = new BlockLayout(data.Features, BlockSize);
        var parameterPartitioner = new HashPartitioner(ParameterPartitions ?? data.Blocks.NumPartitions);
        Rdd<(int Block, int Partition)>? touches = null;
        Rdd<(int Block, double[] Values)>? parameters = null;
        try
        {
            touches = Touches(data.Blocks, layout).PartitionBy(parameterPartitioner).Persist(StorageLevel.MemoryAndDisk);
            var updater = Updater ?? new AdaGradUpdater(new ConstantStepSchedule(StepSize), regularization: new L2Regularization(RegParam, RegularizedKeys.Below(data.Features)));
            parameters = await InitialAsync(ctx, layout, updater.StatePerEntry, parameterPartitioner, cancellationToken).ConfigureAwait(false);
            var result = await TrainAsync(data, layout, touches, parameters, parameterPartitioner, updater, listener, cancellationToken).ConfigureAwait(false);
            return result with { Labels = classes.Labels };
        }
        finally
        {
            ctx.Listeners.Remove(listener);
            if (touches is not null)
            {
                await touches.UnpersistAsync().ConfigureAwait(false);
            }

            await data.Blocks.UnpersistAsync().ConfigureAwait(false);
        }
    }

    private async Task<RddModelResult> TrainAsync(TrainingData data, BlockLayout layout, Rdd<(int Block, int Partition)> touches,
        Rdd<(int Block, double[] Values)> parameters, Partitioner parameterPartitioner, IUpdater updater, RddJobListener listener,
        CancellationToken cancellationToken)
    {
        var features = data.Features;
        var dataPartitions = data.Blocks.NumPartitions;
        var contribution = Contributions.BinaryLogistic(Kernels, features);
        var kernels = Kernels;
        var fraction = MiniBatchFraction;
        var history = new List<RddIterationTimings>();
        var iterates = new List<double[]>();
        var penalty = 0.0; // of the current parameters: all zeros at the start
        var status = OptimizationStatus.MaxIterations;
        await ctx(data).Listeners.FlushAsync().ConfigureAwait(false);
        listener.TakeAll();
        var started = Stopwatch.GetTimestamp();
        for (var t = 1; t <= MaxIterations; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var batch = MiniBatch.For(Seed, t, fraction);

            // Only the blocks a partition touches travel to it, keyed by the partition's id.
            var pulled = touches.Join(parameters)
                .Select(static kv => (kv.Value.Left, (kv.Key, kv.Value.Right)))
                .PartitionBy(new PartitionIdPartitioner(dataPartitions));
            var gradients = data.Blocks.ZipPartitions(pulled, (blocks, pulledBlocks) =>
                    PartitionGradient(blocks, pulledBlocks, layout, kernels, batch))
                .ReduceByKey(static (a, b) => Add(a, b), parameterPartitioner)
                .Persist(StorageLevel.MemoryAndDisk);
            var computeStart = Stopwatch.GetTimestamp();
            var totals = await gradients.Where(static kv => kv.Key == BlockLayout.TotalsKey).ToListAsync(cancellationToken).ConfigureAwait(false);
            var gradientJobSeconds = Stopwatch.GetElapsedTime(computeStart).TotalSeconds;
            var (loss, rows) = totals.Count == 0 ? (0.0, 0.0) : (totals[0].Value[0], totals[0].Value[1]);
            if (rows == 0)
            {
                Logger.LogWarning("Model-in-an-RDD iteration {Iteration}: the mini-batch (fraction {Fraction}) is empty; iteration skipped.", t, fraction);
                await gradients.UnpersistAsync().ConfigureAwait(false);
                continue;
            }

            var objective = (loss / rows) + penalty;
            var step = t;
            var next = parameters.LeftOuterJoin(gradients)
                .SelectPartitions(items => items.Select(kv => (Block: kv.Key, Values: Update(kv.Key, kv.Value.Left, kv.Value.Right, rows, layout, updater, step))),
                    preservesPartitioning: true)
                .Persist(StorageLevel.MemoryAndDisk);
            var checkpointed = CheckpointEvery > 0 && t % CheckpointEvery == 0;
            if (checkpointed)
            {
                _ = CheckpointDirectory is null ? next.LocalCheckpoint() : next.Checkpoint();
            }

            var regularization = updater.Regularization;
            penalty = await next.Select(kv => regularization.Penalty(kv.Values.AsSpan(0, layout.Length(kv.Block)), layout.FirstKey(kv.Block)))
                .SumAsync(cancellationToken).ConfigureAwait(false);
            await parameters.UnpersistAsync().ConfigureAwait(false);
            await gradients.UnpersistAsync().ConfigureAwait(false);
            parameters = next;
            if (t <= CollectIterates)
            {
                iterates.Add(await CollectAsync(parameters, layout, cancellationToken).ConfigureAwait(false));
            }

            var wall = clock.Elapsed.TotalSeconds;
            await ctx(data).Listeners.FlushAsync().ConfigureAwait(false);
            history.Add(Timings(t, objective, wall, gradientJobSeconds, checkpointed, listener.TakeAll()));
            Progress?.Report(history[^1]);
            Logger.LogDebug("Model-in-an-RDD iteration {Iteration}: objective {Objective}, {Seconds:F3} s", t, objective, wall);
            if (!double.IsFinite(objective))
            {
                status = OptimizationStatus.NonFiniteValue;
                break;
            }

            if (MaxTime is { } limit && t < MaxIterations && Stopwatch.GetElapsedTime(started) >= limit)
            {
                status = OptimizationStatus.TimeLimit;
                break;
            }
        }

        var point = await CollectAsync(parameters, layout, cancellationToken).ConfigureAwait(false);
        await parameters.UnpersistAsync().ConfigureAwait(false);
        var full = new BlockObjective(data.Blocks, features + 1, contribution, updater.Regularization, 2, null);
        var final = (await full.EvaluateAsync(point, cancellationToken).ConfigureAwait(false)).Value;
        return new RddModelResult(point[..features], point[features], final, status, history, iterates, []);
    }

    private static DataflowContext ctx(TrainingData data) => data.Blocks.Context;

    private static RddIterationTimings Timings(int t, double objective, double wall, double gradientJobSeconds, bool checkpointed, List<RddJobListener.Job> jobs)
    {
        double scheduling = 0, stages = 0;
        long written = 0, read = 0;
        TimeSpan tasks = default, writing = default, fetching = default;
        foreach (var job in jobs)
        {
            if (job is { Submitted: { } submitted, FirstTask: { } first, Ended: { } ended })
            {
                scheduling += Math.Max(0, (first - submitted).TotalSeconds);
                stages += Math.Max(0, (ended - first).TotalSeconds);
            }

            written += job.ShuffleWriteBytes;
            read += job.ShuffleReadBytes;
            tasks += job.TaskTime;
            writing += job.ShuffleWriteTime;
            fetching += job.ShuffleFetchWaitTime;
        }

        return new RddIterationTimings(t, objective, jobs.Count, wall, scheduling, stages, gradientJobSeconds,
            Math.Max(0, wall - scheduling - stages), written, read, checkpointed, tasks.TotalSeconds, writing.TotalSeconds, fetching.TotalSeconds);
    }

    /// <summary>The (block, data partition) pairs: which parameter blocks each data partition's rows touch.</summary>
    private static Rdd<(int Block, int Partition)> Touches(Rdd<InstanceBlock> blocks, BlockLayout layout) =>
        blocks.SelectPartitions((index, items) => layout.Touched(items).Select(b => (b, index)));

    private static async Task<Rdd<(int Block, double[] Values)>> InitialAsync(DataflowContext ctx, BlockLayout layout, int statePerEntry,
        Partitioner partitioner, CancellationToken cancellationToken)
    {
        // Made inside the tasks: the driver never holds the whole model.
        var initial = ctx.Range(0, layout.Blocks, 1, Math.Min(partitioner.NumPartitions, layout.Blocks))
            .Select(b => ((int)b, new double[layout.Length((int)b) * (1 + statePerEntry)]))
            .PartitionBy(partitioner)
            .Persist(StorageLevel.MemoryAndDisk);
        _ = await initial.CountAsync(cancellationToken).ConfigureAwait(false);
        return initial;
    }

    /// <summary>
    /// One data partition's contribution: assemble the pulled blocks into a model vector, run the kernel over the
    /// sampled rows of each data block, and emit each touched block's gradient slice and the totals (loss, rows).
    /// </summary>
    /// <remarks>
    /// Memory is proportional to the blocks the partition touches, not to d: unless it touches every block, the
    /// partition works in a local index space where touched block k (ascending) holds local keys [k·size, (k + 1)·size)
    /// and the intercept sits after them; each data block's column indices are mapped into it (an order-preserving map,
    /// so the kernels add the same numbers in the same order as over the full model).
    /// </remarks>
    internal static IEnumerable<(int Block, double[] Values)> PartitionGradient(IEnumerable<InstanceBlock> blocks,
        IEnumerable<(int Partition, (int Block, double[] Values) Pulled)> pulled, BlockLayout layout, IBlockKernels kernels, MiniBatch batch)
    {
        var received = pulled.Select(static p => p.Pulled).OrderBy(static p => p.Block).ToList();
        var size = layout.BlockSize;
        var interceptBlock = layout.Features / size;
        // Every block touched (dense data, or sparse data that covers the model): the global layout is the local one.
        var global = received.Count == layout.Blocks;
        var weights = global ? layout.Features : received.Count * size;
        var slot = new int[layout.Blocks];
        var model = new double[weights + 1];
        for (var k = 0; k < received.Count; k++)
        {
            var (block, values) = received[k];
            slot[block] = global ? block : k;
            var start = slot[block] * size;
            var length = Math.Min(layout.Length(block), weights - start);
            Array.Copy(values, 0, model, start, length);
            if (block == interceptBlock)
            {
                model[weights] = values[layout.Features - layout.FirstKey(block)];
            }
        }

        var contribution = Contributions.BinaryLogistic(kernels, weights);
        var sums = new double[weights + 2];
        var index = Execution.TaskContext.Current?.PartitionId ?? 0;
        var random = batch.Fraction < 1 ? new Random(batch.PartitionSeed(index)) : null;
        long rows = 0;
        foreach (var block in blocks)
        {
            var selected = random is null ? null : BlockPass.Sample(random, block.Rows, batch.Fraction);
            contribution(global ? block : Localised(block, slot, size, weights), model, sums, selected);
            rows += selected?.Length ?? block.Rows;
        }

        foreach (var (block, _) in received)
        {
            var start = slot[block] * size;
            var gradient = new double[layout.Length(block)];
            sums.AsSpan(start, Math.Min(gradient.Length, weights - start)).CopyTo(gradient);
            if (block == interceptBlock)
            {
                gradient[layout.Features - layout.FirstKey(block)] = sums[weights];
            }

            yield return (block, gradient);
        }

        yield return (BlockLayout.TotalsKey, [sums[weights + 1], rows]);
    }

    /// <summary>A sparse block with its column indices mapped into the partition's local index space (the other arrays shared).</summary>
    private static InstanceBlock Localised(InstanceBlock block, int[] slot, int size, int weights)
    {
        if (!block.IsSparse)
        {
            throw new InvalidOperationException("A dense block touches every parameter block; the partition should have received them all.");
        }

        var indices = new int[block.Indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            var feature = block.Indices[i];
            indices[i] = (slot[feature / size] * size) + (feature % size);
        }

        return new InstanceBlock(block.Rows, weights, isSparse: true, block.Values, indices, block.RowOffsets, block.Labels, block.Norms);
    }

    private static double[] Add(double[] a, double[] b)
    {
        var sum = (double[])a.Clone();
        System.Numerics.Tensors.TensorPrimitives.Add(sum, b, sum);
        return sum;
    }

    /// <summary>The updater's step on one block (a zero gradient where no partition touched it), as update <paramref name="t"/>.</summary>
    private static double[] Update(int block, double[] values, Optional<double[]> gradientSums, double rows, BlockLayout layout, IUpdater updater, long t)
    {
        var length = layout.Length(block);
        var next = (double[])values.Clone();
        var gradient = new double[length];
        if (gradientSums.HasValue)
        {
            var sums = gradientSums.Value;
            for (var i = 0; i < length; i++)
            {
                gradient[i] = sums[i] / rows;
            }
        }

        updater.Update(next.AsSpan(0, length), next.AsSpan(length), gradient, layout.FirstKey(block), t);
        return next;
    }

    private static async Task<double[]> CollectAsync(Rdd<(int Block, double[] Values)> parameters, BlockLayout layout, CancellationToken cancellationToken)
    {
        var point = new double[layout.Dimension];
        foreach (var (block, values) in await parameters.ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            Array.Copy(values, 0, point, layout.FirstKey(block), layout.Length(block));
        }

        return point;
    }

    private void Validate()
    {
        if (!double.IsFinite(RegParam) || RegParam < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RegParam), RegParam, "RegParam (λ) must be a finite number ≥ 0.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxIterations, nameof(MaxIterations));
        ArgumentOutOfRangeException.ThrowIfNegative(CheckpointEvery, nameof(CheckpointEvery));
        ArgumentOutOfRangeException.ThrowIfNegative(CollectIterates, nameof(CollectIterates));
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockSize, 1, nameof(BlockSize));
        if (ParameterPartitions is { } p)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(p, 1, nameof(ParameterPartitions));
        }

        if (!(StepSize > 0) || !double.IsFinite(StepSize))
        {
            throw new ArgumentOutOfRangeException(nameof(StepSize), StepSize, "StepSize must be a finite number > 0.");
        }

        if (!(MiniBatchFraction > 0 && MiniBatchFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MiniBatchFraction), MiniBatchFraction, "MiniBatchFraction must be in (0, 1].");
        }

        if (MaxTime is { } limit && limit < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTime), limit, "MaxTime must be zero or more, or null for no limit.");
        }

        ArgumentNullException.ThrowIfNull(Kernels, nameof(Kernels));
        ArgumentNullException.ThrowIfNull(Logger, nameof(Logger));
    }
}

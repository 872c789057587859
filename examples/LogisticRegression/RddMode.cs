using System.Globalization;
using System.Text.Json;
using Dataflow.CommandLine;
using Dataflow.MLlib.Linalg;
using Dataflow.MLlib.RddModel;
using Microsoft.Extensions.Logging;
using static Dataflow.Examples.MetricsJson;

namespace Dataflow.Examples.LogisticRegression;

/// <summary>
/// <c>--mode rdd</c>: binary logistic regression with the model kept in an RDD (<see cref="RddModelLogisticRegression"/>):
/// AdaGrad with step 0.5 unless <c>--step</c> is given, <c>--batch-fraction</c>, a checkpoint of the parameters every
/// <c>--checkpoint-every</c> iterations (local, or reliable under <c>--checkpoint-dir</c>), the data over
/// <c>--workers</c> partitions. Prints the driver mode's table; <c>--metrics-out</c> adds <c>"mode": "rdd"</c> and the
/// per-iteration timings.
/// </summary>
internal static class RddMode
{
    /// <summary>The settings of the mode, from the command line.</summary>
    public sealed record Settings(double RegParam, int Iterations, double Step, double BatchFraction, long Seed, int CheckpointEvery,
        string? CheckpointDirectory, int? Workers, string? MetricsOut);

    public static async Task RunAsync(DataflowContext ctx, Rdd<LabeledPoint> points, Settings settings, string program, CancellationToken cancellationToken)
    {
        if (settings.CheckpointEvery < 0)
        {
            throw new UsageException($"--checkpoint-every must be 0 (never) or more, got {settings.CheckpointEvery}.");
        }

        if (settings.Workers is < 1)
        {
            throw new UsageException($"--workers must be 1 or more, got {settings.Workers}.");
        }

        if (settings.Workers is { } workers && points.NumPartitions != workers)
        {
            points = points.Repartition(workers);
        }

        var estimator = new RddModelLogisticRegression
        {
            RegParam = settings.RegParam,
            MaxIterations = settings.Iterations,
            MiniBatchFraction = settings.BatchFraction,
            Seed = settings.Seed,
            CheckpointEvery = settings.CheckpointEvery,
            CheckpointDirectory = settings.CheckpointDirectory,
            Logger = new StderrLogger(program, LogLevel.Warning),
        };
        estimator.StepSize = settings.Step;
        if (!(settings.Step > 0) || !double.IsFinite(settings.Step))
        {
            throw new UsageException($"--step must be a finite number > 0, got {settings.Step.ToString(CultureInfo.InvariantCulture)}.");
        }

        Console.Error.WriteLine($"{program}: training in rdd mode ({points.NumPartitions} partitions, {ctx.Master})");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        RddModelResult result;
        try
        {
            result = await estimator.FitAsync(points, cancellationToken);
        }
        catch (ArgumentException e) when (e.ParamName is not null)
        {
            throw new UsageException(e.Message.Split('\n')[0], e);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var weights = result.Weights;
        var intercept = result.Intercept;
        var labels = result.Labels;
        var correct = await points.Select(p => Predict(weights, intercept, labels, p) == p.Label ? 1L : 0L).SumAsync(cancellationToken);
        var count = await points.CountAsync(cancellationToken);
        var accuracy = (double)correct / count;
        foreach (var (name, value) in new[]
        {
            ("objective", Number(result.Objective)),
            ("train accuracy", Number(accuracy)),
            ("iterations", result.Iterations.Count.ToString(CultureInfo.InvariantCulture)),
            ("classes", "2"),
            ("seconds", Number(seconds)),
        })
        {
            Console.Out.Write($"{name,-16}{value}\n");
        }

        if (settings.MetricsOut is { } path)
        {
            await MetricsJson.WriteAsync(path, json => Write(json, result, accuracy, seconds), cancellationToken);
        }
    }

    // The trainer maps the smaller label to class 0: a positive margin predicts the larger. A sparse row costs its
    // non-zeros (indexing a sparse vector at every one of d weights made accuracy O(d × rows): minutes at 2^20).
    private static double Predict(double[] weights, double intercept, double[] labels, LabeledPoint point)
    {
        var margin = intercept;
        if (point.Features is SparseVector sparse)
        {
            for (var k = 0; k < sparse.Indices.Length; k++)
            {
                margin += weights[sparse.Indices[k]] * sparse.Values[k];
            }
        }
        else
        {
            var x = point.Features;
            for (var j = 0; j < weights.Length; j++)
            {
                margin += weights[j] * x[j];
            }
        }

        return margin >= 0 ? labels[1] : labels[0];
    }

    private static void Write(Utf8JsonWriter json, RddModelResult result, double accuracy, double seconds)
    {
        json.WriteString("mode", "rdd");
        json.WriteNumber("objective", Finite(result.Objective));
        json.WriteNumber("trainAccuracy", Finite(accuracy));
        json.WriteNumber("iterations", result.Iterations.Count);
        json.WriteNumber("seconds", Finite(seconds));
        json.WriteNumber("classes", 2);
        json.WriteStartObject("timings");
        json.WriteNumber("computeSeconds", Finite(result.Iterations.Sum(i => i.ComputeSeconds)));
        json.WriteNumber("schedulingSeconds", Finite(result.Iterations.Sum(i => i.SchedulingSeconds)));
        json.WriteNumber("stageSeconds", Finite(result.Iterations.Sum(i => i.StageSeconds)));
        json.WriteNumber("driverSeconds", Finite(result.Iterations.Sum(i => i.DriverSeconds)));
        json.WriteNumber("shuffleWriteBytes", result.Iterations.Sum(i => i.ShuffleWriteBytes));
        json.WriteNumber("shuffleReadBytes", result.Iterations.Sum(i => i.ShuffleReadBytes));
        json.WriteNumber("taskSeconds", Finite(result.Iterations.Sum(i => i.TaskSeconds)));
        json.WriteNumber("taskComputeSeconds", Finite(result.Iterations.Sum(i => i.TaskComputeSeconds)));
        json.WriteNumber("shuffleWriteSeconds", Finite(result.Iterations.Sum(i => i.ShuffleWriteSeconds)));
        json.WriteNumber("shuffleFetchWaitSeconds", Finite(result.Iterations.Sum(i => i.ShuffleFetchWaitSeconds)));
        json.WriteEndObject();
        json.WriteStartArray("perIteration");
        foreach (var i in result.Iterations)
        {
            json.WriteStartObject();
            json.WriteNumber("iteration", i.Iteration);
            json.WriteNumber("objective", Finite(i.Objective));
            json.WriteNumber("wallSeconds", Finite(i.WallSeconds));
            json.WriteNumber("schedulingSeconds", Finite(i.SchedulingSeconds));
            json.WriteNumber("stageSeconds", Finite(i.StageSeconds));
            json.WriteNumber("computeSeconds", Finite(i.ComputeSeconds));
            json.WriteNumber("driverSeconds", Finite(i.DriverSeconds));
            json.WriteNumber("shuffleWriteBytes", i.ShuffleWriteBytes);
            json.WriteNumber("shuffleReadBytes", i.ShuffleReadBytes);
            json.WriteNumber("taskSeconds", Finite(i.TaskSeconds));
            json.WriteNumber("taskComputeSeconds", Finite(i.TaskComputeSeconds));
            json.WriteNumber("shuffleWriteSeconds", Finite(i.ShuffleWriteSeconds));
            json.WriteNumber("shuffleFetchWaitSeconds", Finite(i.ShuffleFetchWaitSeconds));
            json.WriteBoolean("checkpointed", i.Checkpointed);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}

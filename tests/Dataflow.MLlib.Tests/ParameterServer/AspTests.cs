using Dataflow.MLlib.ParameterServer;

namespace Dataflow.MLlib.Tests.ParameterServer;

/// <summary>
/// ASP on the plain classes, against a float64 reference written here: reads and the final model are every push
/// applied in the order it arrived (AdaGrad with L2, gradients rounded to float32 on the wire), and workers kept in
/// lock-step give exactly the BSP run.
/// </summary>
public sealed class AspTests
{
    private const int Keys = 12;
    private const double Step = 0.5;
    private const double Epsilon = 1e-8;
    private const double Lambda = 0.05;
    private const int Regularized = 10;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Asp_FastWorkerFarAhead_ReadsAndModelAreThePushesInArrivalOrder()
    {
        var (ranges, shards) = Shards("asp", 2);
        var fast = new PsClient(0, ranges, shards, Consistency.Asp);
        var slow = new PsClient(1, ranges, shards, Consistency.Asp);
        var reference = new Reference();
        int[] keys = [.. Enumerable.Range(0, Keys)];

        async Task Clock(PsClient client, int w)
        {
            var values = new double[Keys];
            await client.PullAsync(keys, values, Ct);
            Assert.Equal(reference.Read(keys), values); // every push that has arrived, own and others'
            var gradient = Gradient(w, client.Clock, values);
            await client.PushAsync(keys, gradient);
            reference.Apply(keys, gradient);
            await client.ClockAsync();
        }

        // The fast worker runs 12 clocks ahead, then the slow one catches up with pushes of clocks the fast one passed
        // long ago: their updates arrive after the fast worker's later clocks, and the model is that order's.
        for (var c = 0; c < 12; c++)
        {
            await Clock(fast, 0);
        }

        for (var c = 0; c < 12; c++)
        {
            await Clock(slow, 1);
            await Clock(slow, 1);
            await Clock(fast, 0);
        }

        Assert.Equal(24, slow.Clock);
        Assert.Equal(reference.Model, await PsClient.ReadModelAsync(ranges, shards)); // float64: no wire in between
    }

    [Fact]
    public async Task Asp_WorkersInLockStep_EqualsBsp()
    {
        const int workers = 3;
        var models = new List<double[]>();
        foreach (var consistency in new[] { "bsp", "asp" })
        {
            var (ranges, shards) = Shards(consistency, workers);
            var clients = Enumerable.Range(0, workers).Select(w => new PsClient(w, ranges, shards, Consistency.Parse(consistency))).ToArray();
            for (var c = 0; c < 10; c++)
            {
                // Every worker reads before any pushes this clock: what ASP has then is exactly what BSP serves.
                var reads = new double[workers][];
                for (var w = 0; w < workers; w++)
                {
                    reads[w] = new double[KeysOf(w).Length];
                    await clients[w].PullAsync(KeysOf(w), reads[w], Ct);
                }

                for (var w = 0; w < workers; w++)
                {
                    await clients[w].PushAsync(KeysOf(w), Gradient(w, c, reads[w]));
                    await clients[w].ClockAsync();
                }
            }

            models.Add(await PsClient.ReadModelAsync(ranges, shards));
        }

        Assert.Equal(models[0], models[1]);
        Assert.Contains(models[0], v => v != 0);
    }

    private static (KeyRanges Ranges, IParameterShard[] Shards) Shards(string consistency, int workers)
    {
        var ranges = new KeyRanges(Keys, 3);
        var settings = new ShardSettings(workers, consistency, new UpdaterSpec("adagrad", Step, Epsilon, Lambda, Regularized), Sparse: true);
        return (ranges, [.. Enumerable.Range(0, 3).Select(s => (IParameterShard)new ParameterShard(s, ranges.First(s), ranges.Count(s), settings))]);
    }

    private static int[] KeysOf(int w) => [.. Enumerable.Range(0, Keys).Where(k => (k + w) % 3 != 0 || k >= Regularized)];

    private static double[] Gradient(int w, int c, double[] values) =>
        [.. values.Select((v, j) => Math.Sin(v + (0.7 * w) + (0.3 * c) + j) + (0.1 * v * v))];

    /// <summary>AdaGrad with L2 on keys below <see cref="Regularized"/>, applied push by push; reads round to float32 as the wire does.</summary>
    private sealed class Reference
    {
        private readonly double[] _model = new double[Keys];
        private readonly double[] _squares = new double[Keys];

        public double[] Model => _model;

        public double[] Read(int[] keys) => [.. keys.Select(k => (double)(float)_model[k])];

        public void Apply(int[] keys, double[] gradient)
        {
            for (var j = 0; j < keys.Length; j++)
            {
                var k = keys[j];
                var h = (double)(float)gradient[j] + (k < Regularized ? Lambda * _model[k] : 0);
                _squares[k] += h * h;
                _model[k] -= Step * h / (Math.Sqrt(_squares[k]) + Epsilon);
            }
        }
    }
}

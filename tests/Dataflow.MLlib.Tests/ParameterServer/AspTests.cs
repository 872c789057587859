using Dataflow.MLlib.ParameterServer;

namespace Dataflow.MLlib.Tests.ParameterServer;

/// <summary>
/// ASP on the plain classes, against a float64 reference written here: a read is every push that has arrived applied
/// in (clock, worker) order, the order the shard commits them in (AdaGrad with L2, gradients rounded to float32 on the
/// wire), however far ahead one worker runs; and workers kept in lock-step give exactly the BSP run.
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
    public async Task Asp_FastWorkerFarAhead_ReadsAreEveryArrivedPushInCommitOrder()
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
            reference.Add(client.Clock, w, keys, gradient);
            await client.ClockAsync();
        }

        // The fast worker runs 12 clocks ahead, then the slow one catches up with pushes of clocks the fast one passed
        // long ago: they arrive after the fast worker's later clocks but sort before them, and every read after one
        // sees the model as if they had come in order.
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

    /// <summary>
    /// Every push so far, applied from zero in (clock, worker, arrival) order with AdaGrad and L2 on keys below
    /// <see cref="Regularized"/>; reads round to float32 as the wire does.
    /// </summary>
    private sealed class Reference
    {
        private readonly List<(int Clock, int Worker, int[] Keys, double[] Gradient)> _pushes = [];

        public double[] Model
        {
            get
            {
                var model = new double[Keys];
                var squares = new double[Keys];
                foreach (var (_, _, keys, gradient) in _pushes.OrderBy(p => p.Clock).ThenBy(p => p.Worker)) // stable: arrival within
                {
                    for (var j = 0; j < keys.Length; j++)
                    {
                        var k = keys[j];
                        var h = (double)(float)gradient[j] + (k < Regularized ? Lambda * model[k] : 0);
                        squares[k] += h * h;
                        model[k] -= Step * h / (Math.Sqrt(squares[k]) + Epsilon);
                    }
                }

                return model;
            }
        }

        public double[] Read(int[] keys)
        {
            var model = Model;
            return [.. keys.Select(k => (double)(float)model[k])];
        }

        public void Add(int clock, int worker, int[] keys, double[] gradient) => _pushes.Add((clock, worker, keys, gradient));
    }
}

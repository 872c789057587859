using Dataflow.MLlib.ParameterServer;

namespace Dataflow.MLlib.Tests.ParameterServer;

/// <summary>
/// With S = 0 a threaded run with random delays equals serial BSP exactly: every worker reads the model of clocks &lt; c
/// (rounded to float32 on the wire), gradients (float32 on the wire) of one clock are applied by worker id with
/// AdaGrad and L2. The reference below is written out here in float64, independently of the updater classes.
/// </summary>
public sealed class BspEquivalenceTests
{
    private const int Workers = 4;
    private const int Keys = 30;
    private const int Clocks = 15;
    private const double Step = 0.5;
    private const double Epsilon = 1e-8;
    private const double Lambda = 0.05;
    private const int Regularized = 25; // keys 25 … 29 play intercepts

    [Theory]
    [InlineData("bsp")]
    [InlineData("ssp:0")]
    public async Task Threaded_WithRandomDelays_EqualsSerialBsp(string consistency)
    {
        var ranges = new KeyRanges(Keys, 3);
        var settings = new ShardSettings(Workers, consistency, new UpdaterSpec("adagrad", Step, Epsilon, Lambda, Regularized), Sparse: true);
        var shards = Enumerable.Range(0, 3).Select(s => (IParameterShard)new ParameterShard(s, ranges.First(s), ranges.Count(s), settings)).ToArray();
        var observed = new double[Workers][][];

        async Task RunWorker(int w)
        {
            var random = new Random(w);
            var client = new PsClient(w, ranges, shards, Consistency.Parse(consistency));
            observed[w] = new double[Clocks][];
            var keys = KeysOf(w);
            for (var c = 0; c < Clocks; c++)
            {
                Thread.SpinWait(random.Next(0, 100_000));
                var values = new double[keys.Length];
                await client.PullAsync(keys, values, TestContext.Current.CancellationToken);
                observed[w][c] = values;
                await client.PushAsync(keys, Gradient(w, c, values));
                await client.ClockAsync();
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => RunWorker(w))));

        // The serial run.
        var model = new double[Keys];
        var squares = new double[Keys];
        for (var c = 0; c < Clocks; c++)
        {
            var reads = Enumerable.Range(0, Workers).Select(w => KeysOf(w).Select(k => (double)(float)model[k]).ToArray()).ToArray();
            for (var w = 0; w < Workers; w++)
            {
                Assert.Equal(reads[w], observed[w][c]);
            }

            for (var w = 0; w < Workers; w++)
            {
                var keys = KeysOf(w);
                var gradient = Gradient(w, c, reads[w]);
                for (var j = 0; j < keys.Length; j++)
                {
                    var k = keys[j];
                    var h = (double)(float)gradient[j] + (k < Regularized ? Lambda * model[k] : 0);
                    squares[k] += h * h;
                    model[k] -= Step * h / (Math.Sqrt(squares[k]) + Epsilon);
                }
            }
        }

        Assert.Equal(model, await PsClient.ReadModelAsync(ranges, shards));
    }

    // Overlapping key sets, so workers' updates to one key interleave.
    private static int[] KeysOf(int w) => [.. Enumerable.Range(0, Keys).Where(k => (k + w) % 3 != 0 || k >= Regularized)];

    private static double[] Gradient(int w, int c, double[] values) =>
        [.. values.Select((v, j) => Math.Sin(v + (0.7 * w) + (0.3 * c) + j) + (0.1 * v * v))];
}

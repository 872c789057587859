using System.Collections.Concurrent;
using Dataflow.Cluster.Tests.Support;
using Dataflow.Execution;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>
/// Executor-local objects on workers: one per worker for the application, reused by later jobs, disposed when the
/// driver removes its application. The task code runs from the job's copy of this assembly (a load context of its
/// own on each worker), so it reports through a queue of the base library's kept in the process's AppDomain data.
/// </summary>
public sealed class ExecutorLocalsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachWorker_KeepsOneInstanceAcrossJobs_DisposedWhenTheApplicationIsRemoved()
    {
        var key = "dataflow-tests-locals-" + Guid.NewGuid().ToString("N");
        var log = new ConcurrentQueue<string>();
        AppDomain.CurrentDomain.SetData(key, log);
        try
        {
            var (ctx, _) = await SharedCluster.NewContextAsync();
            string[] first, second;
            await using (ctx)
            {
                var rdd = ctx.Range(0, 400, numSlices: 16).SelectPartitions(_ => new[] { WorkerProbe.Get(key) });
                first = await rdd.ToArrayAsync(Ct);
                second = await rdd.ToArrayAsync(Ct);
                Assert.DoesNotContain(log, e => e.StartsWith("disposed ", StringComparison.Ordinal));
            }

            var created = log.Where(e => e.StartsWith("created ", StringComparison.Ordinal)).Select(e => e["created ".Length..]).ToList();
            var disposed = log.Where(e => e.StartsWith("disposed ", StringComparison.Ordinal)).Select(e => e["disposed ".Length..]).ToList();
            var seen = first.Concat(second).Distinct().ToList();
            // One creation per worker that ran tasks, whatever the number of tasks and jobs.
            Assert.InRange(created.Count, 1, InProcessCluster.Workers);
            Assert.Equal(created.Order(), seen.Order());
            Assert.Equal(created.Distinct().Count(), created.Count);
            Assert.NotEmpty(first.Intersect(second));
            // The driver's dispose removed the application on every worker, which disposed each instance once.
            Assert.Equal(created.Order(), disposed.Order());
        }
        finally
        {
            AppDomain.CurrentDomain.SetData(key, null);
        }
    }

    /// <summary>Reports its creation and disposal to the queue under the test's key.</summary>
    private sealed class WorkerProbe : IDisposable
    {
        private readonly ConcurrentQueue<string> _log;

        private WorkerProbe(string key)
        {
            _log = (ConcurrentQueue<string>)AppDomain.CurrentDomain.GetData(key)!;
            _log.Enqueue("created " + Id);
        }

        private string Id { get; } = Guid.NewGuid().ToString("N");

        public static string Get(string key) => TaskContext.Current!.ExecutorLocals.GetOrAdd(key, () => new WorkerProbe(key)).Id;

        public void Dispose() => _log.Enqueue("disposed " + Id);
    }
}

using Dataflow.Cluster.Driver;
using Dataflow.Cluster.Grains;
using Dataflow.Cluster.Tests.Support;
using Dataflow.Cluster.Worker;
using Dataflow.MLlib.Linalg;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>
/// Libraries the worker provides (MLlib, its kernels, MathNet): a job using them runs on the workers' copies, does not
/// ship them, and declares their builds, which a worker of another build refuses naming both.
/// </summary>
public sealed class WorkerLibraryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task JobUsingMLlibTypes_Runs_AndShipsOnlyItsOwnAssemblies()
    {
        var (ctx, _) = await SharedCluster.NewContextAsync();
        await using (ctx)
        {
            var weights = ctx.Broadcast(Vectors.Dense(1.0, -2.0, 0.5));
            var points = Enumerable.Range(0, 200).Select(i => new LabeledPoint(i % 2, Vectors.Dense(i, i * 0.5, 1.0))).ToArray();

            var margins = await ctx.Parallelize(points, 4).Select(p => p.Features.Dot(weights.Value)).ToArrayAsync(Ct);

            // An independent reference: the dot product written out.
            Assert.Equal(points.Select(p => (p.Features[0] * 1.0) + (p.Features[1] * -2.0) + (p.Features[2] * 0.5)), margins);
        }

        var shipped = JobAssemblies.Collect().Select(a => a.Assembly.Name).ToList();
        Assert.Contains("Dataflow.Cluster.Tests", shipped);
        Assert.DoesNotContain("Dataflow.MLlib", shipped);
        Assert.DoesNotContain("Dataflow.MLlib.Kernels", shipped);
        Assert.DoesNotContain("MathNet.Numerics", shipped);
        Assert.DoesNotContain(shipped, n => n.StartsWith("Dataflow.Engine", StringComparison.Ordinal) || n == "Dataflow.Cluster" || n.StartsWith("Orleans", StringComparison.Ordinal));
        var provided = JobAssemblies.Provided();
        var mllib = Assert.Single(provided, p => p.Name == "Dataflow.MLlib");
        Assert.Equal(typeof(Vector).Assembly.ManifestModule.ModuleVersionId, mllib.ModuleId);
        Assert.DoesNotContain(provided, p => p.Name is "Dataflow.Engine" or "Dataflow.Cluster");
    }

    [Fact]
    public void Verify_SameBuild_ReturnsTheWorkersCopy()
    {
        var mllib = typeof(Vector).Assembly;

        var loaded = ProvidedAssemblyCheck.Verify("app", [new ProvidedAssembly("Dataflow.MLlib", "1.0.0.0", mllib.ManifestModule.ModuleVersionId)]);

        Assert.Same(mllib, Assert.Single(loaded));
    }

    [Fact]
    public void Verify_AnotherBuild_IsAnErrorNamingBothVersions()
    {
        var mllib = typeof(Vector).Assembly;
        var other = new Guid("0123456789abcdef0123456789abcdef");

        var error = Assert.Throws<InvalidOperationException>(() => ProvidedAssemblyCheck.Verify("app", [new ProvidedAssembly("Dataflow.MLlib", "9.8.7.6", other)]));

        Assert.Contains($"Application app was built with Dataflow.MLlib 9.8.7.6 (build 01234567), but this worker has Dataflow.MLlib {mllib.GetName().Version} "
            + $"(build {mllib.ManifestModule.ModuleVersionId.ToString("N")[..8]})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ALibraryTheWorkerLacks_IsAnErrorNamingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ProvidedAssemblyCheck.Verify("app", [new ProvidedAssembly("No.Such.Library", "2.0.0.0", Guid.NewGuid())]));

        Assert.StartsWith("Application app uses No.Such.Library 2.0.0.0 from the worker, but this worker does not have it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AJobAssemblyDeclaredAsProvided_IsRefused()
    {
        var self = typeof(WorkerLibraryTests).Assembly;

        var error = Assert.Throws<InvalidOperationException>(() => ProvidedAssemblyCheck.Verify("app", [new ProvidedAssembly(self.GetName().Name!, "1.0.0.0", self.ManifestModule.ModuleVersionId)]));

        Assert.Contains("which this worker counts as a job assembly", error.Message, StringComparison.Ordinal);
    }
}

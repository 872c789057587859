using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Loader;
using Dataflow.Execution;
using Dataflow.Scheduling.Backends;

namespace Dataflow.Tests.Scheduling.Backends;

/// <summary>How a context finds the cluster backend an assembly registered with <c>[assembly: ClusterBackend]</c>.</summary>
public sealed class ClusterBackendsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dataflow-backends-" + Guid.NewGuid().ToString("N")[..10]);

    public ClusterBackendsTests() => Directory.CreateDirectory(_dir);

    [Fact]
    public void ClusterMaster_WithoutARegisteredBackend_IsUnavailableNamingTheProjectToReference()
    {
        // This test project references no assembly that registers one.
        var error = Assert.Throws<ClusterUnavailableException>(() => new DataflowContext("orleans://nowhere:1"));

        Assert.Contains("Master 'orleans://nowhere:1' needs cluster support: reference the Dataflow.Cluster project", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssemblyFileCarryingTheAttribute_IsFound_AndOthersAreNotLoaded()
    {
        var registering = Emit("Registering", typeof(FakeFactory));
        var plain = Emit("Plain", factory: null);

        // Loaded into a context of the test's own, so that the default context (which a context's master lookup reads,
        // as the first test does) never sees a registering assembly, whichever order the tests run in.
        var context = new AssemblyLoadContext("cluster-backends-test");

        var factories = ClusterBackends.FindFactories([], [plain, registering], context);

        Assert.Equal([typeof(FakeFactory)], factories);
        Assert.IsType<FakeFactory>(ClusterBackends.Instantiate(factories, "orleans://x:1"));
        var loaded = context.Assemblies.Select(a => a.GetName().Name).ToHashSet();
        Assert.Contains(Path.GetFileNameWithoutExtension(registering), loaded);
        Assert.DoesNotContain(Path.GetFileNameWithoutExtension(plain), loaded);
    }

    [Fact]
    public void LoadedAssemblies_WithoutTheAttribute_RegisterNothing()
    {
        Assert.Empty(ClusterBackends.FindFactories([typeof(DataflowContext).Assembly, typeof(ClusterBackendsTests).Assembly, typeof(object).Assembly], [], AssemblyLoadContext.Default));
    }

    [Fact]
    public void TwoRegisteredBackends_AreAnErrorNamingBoth()
    {
        var error = Assert.Throws<ClusterUnavailableException>(() => ClusterBackends.Instantiate([typeof(FakeFactory), typeof(OtherFactory)], "orleans://x:1"));

        Assert.Contains($"{typeof(FakeFactory).FullName} in Dataflow.Engine.Tests, {typeof(OtherFactory).FullName} in Dataflow.Engine.Tests", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegisteredTypeThatIsNoFactory_IsAnErrorNamingIt()
    {
        var error = Assert.Throws<ClusterUnavailableException>(() => ClusterBackends.Instantiate([typeof(string)], "orleans://x:1"));

        Assert.Contains("System.String in System.Private.CoreLib is registered as the cluster backend but is not an IClusterBackendFactory", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (UnauthorizedAccessException)
        {
            // A loaded assembly's file stays mapped on some systems; the temp directory is then left to the OS.
        }
    }

    /// <summary>Writes an assembly file that carries <c>[assembly: ClusterBackend(factory)]</c> when a factory is given.</summary>
    private string Emit(string name, Type? factory)
    {
        var assemblyName = new AssemblyName($"{name}{Guid.NewGuid():N}");
        var builder = new PersistedAssemblyBuilder(assemblyName, typeof(object).Assembly);
        var module = builder.DefineDynamicModule(assemblyName.Name!);
        module.DefineType("Holder", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract).CreateType();
        if (factory is not null)
        {
            builder.SetCustomAttribute(new CustomAttributeBuilder(typeof(ClusterBackendAttribute).GetConstructor([typeof(Type)])!, [factory]));
        }

        var path = Path.Combine(_dir, assemblyName.Name + ".dll");
        builder.Save(path);
        return path;
    }

    internal sealed class FakeFactory : IClusterBackendFactory
    {
        public ISchedulerBackend Create(DataflowContext context, ExecutionEnvironment driverEnvironment) => throw new NotSupportedException();
    }

    internal sealed class OtherFactory : IClusterBackendFactory
    {
        public ISchedulerBackend Create(DataflowContext context, ExecutionEnvironment driverEnvironment) => throw new NotSupportedException();
    }
}

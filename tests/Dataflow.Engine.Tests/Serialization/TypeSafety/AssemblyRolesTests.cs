using System.Reflection;
using System.Reflection.Emit;
using Dataflow.Serialization.TypeSafety;

namespace Dataflow.Tests.Serialization.TypeSafety;

/// <summary>Which assemblies travel with a job, which the worker provides, and which never leave the driver.</summary>
public sealed class AssemblyRolesTests
{
    [Theory]
    [InlineData("Dataflow.Engine", null, nameof(AssemblyRole.Engine))]
    [InlineData("Dataflow.Engine", "job", nameof(AssemblyRole.Engine))]
    [InlineData("Dataflow.MLlib", "worker", nameof(AssemblyRole.WorkerLibrary))]
    [InlineData("Some.Library", "worker", nameof(AssemblyRole.WorkerLibrary))]
    [InlineData("Some.Library", "job", nameof(AssemblyRole.Job))]
    [InlineData("Some.Library", "driver", nameof(AssemblyRole.DriverOnly))]
    [InlineData("MathNet.Numerics", null, nameof(AssemblyRole.WorkerLibrary))]
    [InlineData("ILGPU", null, nameof(AssemblyRole.WorkerLibrary))]
    [InlineData("ILGPU.Algorithms", null, nameof(AssemblyRole.WorkerLibrary))]
    [InlineData("ILGPU.Extras", null, nameof(AssemblyRole.Job))]
    [InlineData("Dataflow.Ui", null, nameof(AssemblyRole.DriverOnly))]
    [InlineData("ScottPlot", null, nameof(AssemblyRole.DriverOnly))]
    [InlineData("Spectre.Console", null, nameof(AssemblyRole.DriverOnly))]
    [InlineData("ScottPlot.WinForms", null, nameof(AssemblyRole.DriverOnly))]
    [InlineData("SkiaSharp", null, nameof(AssemblyRole.DriverOnly))]
    [InlineData("ScottPlotter", null, nameof(AssemblyRole.Job))]
    [InlineData("Orleans.Core", null, nameof(AssemblyRole.WorkerDependency))]
    [InlineData("Microsoft.Orleans.Core.Abstractions", null, nameof(AssemblyRole.WorkerDependency))]
    [InlineData("MessagePack.Annotations", null, nameof(AssemblyRole.WorkerDependency))]
    [InlineData("Microsoft.Extensions.Logging.Abstractions", null, nameof(AssemblyRole.WorkerDependency))]
    [InlineData("K4os.Compression.LZ4", null, nameof(AssemblyRole.WorkerDependency))]
    [InlineData("Microsoft.AspNetCore.Connections.Abstractions", null, nameof(AssemblyRole.WorkerDependency))]
    [InlineData("MyJob", null, nameof(AssemblyRole.Job))]
    public void Classify_ByNameAndMarker(string name, string? marker, string expected) =>
        Assert.Equal(Enum.Parse<AssemblyRole>(expected), AssemblyRoles.Classify(name, marker));

    [Fact]
    public void Classify_UnknownMarkerValue_IsAnErrorNamingTheAssemblyAndTheValues()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AssemblyRoles.Classify("Lib", "workers"));

        Assert.Equal("Assembly Lib carries [assembly: AssemblyMetadata(\"Dataflow.Library\", \"workers\")]; the value must be worker, job or driver.", error.Message);
    }

    [Fact]
    public void Of_LoadedAssemblies_ReadsTheirRole()
    {
        Assert.Equal(AssemblyRole.Framework, AssemblyRoles.Of(typeof(object).Assembly));
        Assert.Equal(AssemblyRole.Engine, AssemblyRoles.Of(typeof(DataflowContext).Assembly));
        Assert.Equal(AssemblyRole.WorkerDependency, AssemblyRoles.Of(typeof(MessagePack.MessagePackSerializer).Assembly));
        Assert.Equal(AssemblyRole.Job, AssemblyRoles.Of(typeof(AssemblyRolesTests).Assembly));
        Assert.Equal(AssemblyRole.WorkerLibrary, AssemblyRoles.Of(Emit("MarkedLibrary" + Guid.NewGuid().ToString("N"), "worker")));
    }

    [Fact]
    public void AllowList_TypesOfAWorkerLibrary_AreAllowedAndNotShipped()
    {
        var type = Emit("WorkerLib" + Guid.NewGuid().ToString("N"), "worker").GetType("Lib.Record")!;

        Assert.True(TypeAllowList.ForDriver.IsAllowed(type, out var reason), reason);
        Assert.True(TypeAllowList.ForDriver.IsNameable(type, out _));
        Assert.False(TypeAllowList.ForDriver.IsJobAssembly(type.Assembly));
    }

    [Theory]
    [InlineData("ScottPlot", null)]
    [InlineData("Dataflow.Ui", null)]
    [InlineData("SomeDriverTool", "driver")]
    public void AllowList_TypesOfADriverOnlyAssembly_AreRefusedSayingSo(string name, string? marker)
    {
        // A fake assembly of that name (the real ones do not exist here yet).
        var type = Emit(name, marker).GetType("Lib.Record")!;

        Assert.False(TypeAllowList.ForDriver.IsAllowed(type, out var reason));
        Assert.False(TypeAllowList.ForDriver.IsNameable(type, out var nameReason));
        Assert.False(TypeAllowList.ForDriver.IsJobAssembly(type.Assembly));
        Assert.Equal($"Lib.Record is from assembly {name}, which runs only on the driver and never travels to workers", reason);
        Assert.Equal(reason, nameReason);
    }

    /// <summary>An in-memory assembly with one public class <c>Lib.Record</c>, carrying the library entry when a marker is given.</summary>
    private static Assembly Emit(string name, string? marker)
    {
        var builder = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName(name), AssemblyBuilderAccess.Run);
        if (marker is not null)
        {
            builder.SetCustomAttribute(new CustomAttributeBuilder(
                typeof(AssemblyMetadataAttribute).GetConstructor([typeof(string), typeof(string)])!, [AssemblyRoles.MetadataKey, marker]));
        }

        builder.DefineDynamicModule(name).DefineType("Lib.Record", TypeAttributes.Public | TypeAttributes.Sealed).CreateType();
        return builder;
    }
}

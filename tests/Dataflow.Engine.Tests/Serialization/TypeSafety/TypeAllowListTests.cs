using System.Buffers;
using System.Collections.ObjectModel;
using System.Diagnostics;
using Dataflow.Broadcasting;
using Dataflow.Serialization.Closures;
using Dataflow.Serialization.TypeSafety;
using Dataflow.Tests.Support;
using MessagePack;
using MessagePack.Resolvers;
using Microsoft.Extensions.Logging;

namespace Dataflow.Tests.Serialization.TypeSafety;

public sealed class TypeAllowListTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TypeAllowList s_allowList = new(a => a == typeof(TypeAllowListTests).Assembly);

    [Fact]
    public void IsAllowed_PlainDataEngineAndJobTypes_AreAllowed()
    {
        Type[] allowed =
        [
            typeof(int), typeof(string), typeof(decimal), typeof(DateTimeOffset), typeof(TimeSpan), typeof(Guid), typeof(DayOfWeek), typeof(int?),
            typeof(int[,]), typeof(List<string>), typeof(Dictionary<string, List<(int, string)>>), typeof(HashSet<Guid>),
            typeof(KeyValuePair<string, double>), typeof(Tuple<int, string>), typeof(ReadOnlyCollection<long>), typeof(Func<int, string>),
            typeof(IEnumerable<int>), typeof(Broadcast<string>), typeof(CallSite), typeof(TypeAllowListTests), typeof(List<TypeAllowListTests>),
        ];

        foreach (var type in allowed)
        {
            Assert.True(s_allowList.IsAllowed(type, out var reason), $"{type}: {reason}");
        }
    }

    [Fact]
    public void IsAllowed_ForeignTypes_AreRejectedWithAReason()
    {
        var rejected = new (Type Type, string Reason)[]
        {
            (typeof(Process), "is not on the allow-list"),
            (typeof(FileInfo), "is not on the allow-list"),
            (typeof(List<FileInfo>), "System.IO.FileInfo"),
            (typeof(Dictionary<string, Process>), "System.Diagnostics.Process"),
            (typeof(Thread), "is not on the allow-list"),
            (typeof(int).GetType(), "is not on the allow-list"),
            (typeof(IntPtr), "is not on the allow-list"),
            (typeof(Lazy<int>), "is not on the allow-list"),
            (typeof(DataflowContext), "lives only on the driver"),
            (typeof(FactAttribute), "not one of the job's assemblies"),
        };

        foreach (var (type, expected) in rejected)
        {
            Assert.False(s_allowList.IsAllowed(type, out var reason), type.ToString());
            Assert.Contains(expected, reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Resolve_TypeFromAnAssemblyTheJobDidNotShip_IsRejectedBeforeLoadingAndLogged()
    {
        using var logs = new CapturingLoggerFactory();
        var policy = new TypeResolutionPolicy([typeof(TypeAllowListTests).Assembly], logger: logs.CreateLogger("closures"));

        var error = Assert.Throws<DisallowedTypeException>(() => policy.Resolve("Evil.Payload, Evil.Assembly"));

        Assert.Equal("Evil.Payload, Evil.Assembly", error.TypeName);
        Assert.Contains("assembly Evil.Assembly is not one of the job's assemblies", error.Message, StringComparison.Ordinal);
        var (level, message) = Assert.Single(logs.Messages);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("Evil.Payload, Evil.Assembly", message, StringComparison.Ordinal);
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "Evil.Assembly");
    }

    [Fact]
    public void Deserialize_ClosurePayloadNamingForeignTypes_IsRejectedAndLogged()
    {
        using var logs = new CapturingLoggerFactory();
        var policy = new TypeResolutionPolicy([typeof(TypeAllowListTests).Assembly], logger: logs.CreateLogger("closures"));
        var function = Capture<object>("harmless");
        var displayClass = TypeNames.Wire(function.Target!.GetType());

        // The captured object field claims to hold a FileInfo; the closure's method claims to be Process.Start.
        var foreignValue = Craft(function, function.Method.DeclaringType!, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(displayClass);
            w.WriteArrayHeader(1);
            w.WriteArrayHeader(2);
            w.Write("System.IO.FileInfo, System.Private.CoreLib");
            w.Write("/etc/passwd");
        });
        var foreignMethod = Craft(function, typeof(Process), (ref MessagePackWriter w) => w.WriteNil());

        Assert.Equal("System.IO.FileInfo, System.Private.CoreLib",
            Assert.Throws<DisallowedTypeException>(() => ClosureSerializer.Deserialize(foreignValue, policy)).TypeName);
        Assert.Equal("System.Diagnostics.Process, System.Diagnostics.Process",
            Assert.Throws<DisallowedTypeException>(() => ClosureSerializer.Deserialize(foreignMethod, policy)).TypeName);
        Assert.Equal(2, logs.Messages.Count(m => m.Level == LogLevel.Warning));
        Assert.Equal("harmless", ((Func<int, string>)ClosureSerializer.Deserialize(ClosureSerializer.Serialize(function), policy))(0));
    }

    [Fact]
    public void Deserialize_PayloadsThatDoNotMatchTheJobsCode_AreRejected()
    {
        var policy = new TypeResolutionPolicy([typeof(TypeAllowListTests).Assembly]);
        var function = Capture<IReadOnlyList<int>>([1]);
        var displayClass = TypeNames.Wire(function.Target!.GetType());
        var wrongName = Craft(function, function.Method.DeclaringType!, (ref MessagePackWriter w) => w.WriteNil(), name: "Renamed");
        var notAList = Craft(function, function.Method.DeclaringType!, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(displayClass);
            w.WriteArrayHeader(1);
            w.WriteArrayHeader(2);
            w.Write(TypeNames.Wire(typeof(List<string>)));
            w.Write("not a list");
        });
        var extraField = Craft(function, function.Method.DeclaringType!, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(displayClass);
            w.WriteArrayHeader(2);
            w.WriteNil();
            w.WriteNil();
        });

        Assert.Contains("different builds", Assert.Throws<MessagePackSerializationException>(() => ClosureSerializer.Deserialize(wrongName, policy)).Message,
            StringComparison.Ordinal);
        Assert.Contains("which is not a System.Collections.Generic.IReadOnlyList", Assert.Throws<MessagePackSerializationException>(
            () => ClosureSerializer.Deserialize(notAList, policy)).Message, StringComparison.Ordinal);
        Assert.Contains("different builds", Assert.Throws<MessagePackSerializationException>(() => ClosureSerializer.Deserialize(extraField, policy)).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_ClosureFromAnAssemblyOutsideTheJob_IsRejected()
    {
        var policy = new TypeResolutionPolicy([]);
        var payload = ClosureSerializer.Serialize(Capture(1));

        var error = Assert.Throws<DisallowedTypeException>(() => ClosureSerializer.Deserialize(payload, policy));

        Assert.Contains("Dataflow.Engine.Tests is not one of the job's assemblies", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_TypelessPayloadNamingAForeignType_IsRejectedEvenWhenMessagePackCachedTheName()
    {
        var policy = new TypeResolutionPolicy([typeof(TypeAllowListTests).Assembly]);
        var options = policy.Options.WithResolver(TypelessContractlessStandardResolver.Instance);
        var cached = TypelessPayload("System.IO.FileInfo, System.Private.CoreLib");
        var unknown = TypelessPayload("Evil.Payload, Evil.Assembly");

        // MessagePack's Typeless formatter remembers a name it has resolved once, process-wide, and then no longer asks
        // LoadType: the check on the resolved type must still run.
        Assert.ThrowsAny<Exception>(() => MessagePackSerializer.Deserialize<object>(cached, MessagePackSerializer.Typeless.DefaultOptions, Ct));

        Assert.IsType<DisallowedTypeException>(Unwrap(Assert.ThrowsAny<Exception>(() => MessagePackSerializer.Deserialize<object>(cached, options, Ct))));
        Assert.IsType<DisallowedTypeException>(Unwrap(Assert.ThrowsAny<Exception>(() => MessagePackSerializer.Deserialize<object>(unknown, options, Ct))));
    }

    private static Func<int, string> Capture<T>(T value) => x => value + x.ToString(System.Globalization.CultureInfo.InvariantCulture)[..0];

    private static Exception Unwrap(Exception error)
    {
        while (error is MessagePackSerializationException { InnerException: { } inner })
        {
            error = inner;
        }

        return error;
    }

    /// <summary>A closure payload for <paramref name="function"/>'s delegate type, naming <paramref name="declaring"/> as the method's type.</summary>
    private static byte[] Craft(Delegate function, Type declaring, WriteTarget writeTarget, string? name = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(2);
        writer.Write(ClosureSerializer.FormatVersion);
        writer.WriteArrayHeader(6);
        writer.Write(TypeNames.Wire(function.GetType()));
        writer.Write(TypeNames.Wire(declaring));
        writer.Write(function.Method.MetadataToken);
        writer.Write(name ?? function.Method.Name);
        writer.WriteArrayHeader(0);
        writer.Flush();
        var target = new ArrayBufferWriter<byte>();
        var targetWriter = new MessagePackWriter(target);
        writeTarget(ref targetWriter);
        targetWriter.Flush();
        return [.. buffer.WrittenSpan, .. target.WrittenSpan];
    }

    private delegate void WriteTarget(ref MessagePackWriter writer);

    private static byte[] TypelessPayload(string typeName)
    {
        var body = new ArrayBufferWriter<byte>();
        var bodyWriter = new MessagePackWriter(body);
        bodyWriter.Write(typeName);
        bodyWriter.WriteMapHeader(0);
        bodyWriter.Flush();
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteExtensionFormat(new ExtensionResult(100, new ReadOnlySequence<byte>(body.WrittenMemory)));
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}

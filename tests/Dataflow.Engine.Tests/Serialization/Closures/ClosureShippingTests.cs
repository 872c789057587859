using System.Runtime.Loader;
using System.Text;
using Dataflow.Broadcasting;
using Dataflow.Serialization;
using Dataflow.Serialization.Closures;
using Dataflow.Serialization.TypeSafety;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Serialization.Closures;

/// <summary>Closures as a worker receives them: engine handles re-bound, types resolved in the job's load context.</summary>
public sealed class ClosureShippingTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private static readonly TypeResolutionPolicy s_policy = new([typeof(ClosureShippingTests).Assembly]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Serialize_CapturedBroadcast_TravelsAsItsIdAndReadsTheExecutorCopy()
    {
        var ctx = fixture.Context;
        var stopWords = ctx.Broadcast(new HashSet<string> { "zebra-marker-91" });
        Func<string, bool> keep = w => !stopWords.Value.Contains(w);

        var bytes = ClosureSerializer.Serialize(keep);
        var copy = ClosureSerializer.Deserialize<Func<string, bool>>(bytes, s_policy);

        Assert.DoesNotContain("zebra-marker-91", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        var handle = Assert.IsType<Dataflow.Broadcasting.Broadcast<HashSet<string>>>(copy.Target!.GetType().GetField("stopWords")!.GetValue(copy.Target));
        Assert.NotSame(stopWords, handle);
        Assert.Equal(stopWords.Id, handle.Id);
        Assert.Throws<InvalidOperationException>(() => handle.Value);

        // The worker's executor holds its copy of the value; the handle reads that one.
        ctx.Environment.Broadcasts.GetOrFetch(stopWords.Id, () => new HashSet<string> { "zebra-marker-91", "cat" });
        var words = new[] { "cat", "dog", "zebra-marker-91", "emu" };
        Assert.Equal(["dog", "emu"], await ctx.Parallelize(words, 3).Where(copy).ToListAsync(Ct));
    }

    [Fact]
    public async Task Serialize_BroadcastMissingOnTheExecutor_FailsTheTaskWithTheBroadcastId()
    {
        var ctx = fixture.Context;
        var lookup = ctx.Broadcast(10);
        var copy = RoundTrip(AddTo(lookup));

        var error = await Assert.ThrowsAsync<JobFailedException>(() => ctx.Parallelize([1, 2], 2).Select(copy).ToListAsync(Ct));

        Assert.Contains($"Broadcast {lookup.Id} ", error.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("has no value on executor", error.InnerException.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serialize_CapturedAccumulator_AddsToTheDriversAccumulator()
    {
        var ctx = fixture.Context;
        var sum = ctx.LongAccumulator("sum");
        var data = TestData.Ints(new Random(3), maxCount: 200);
        Func<int, int> count = x =>
        {
            sum.Add(x);
            return x;
        };

        var copy = RoundTrip(count);
        await ctx.Parallelize(data, 4).Select(copy).CountAsync(Ct);

        Assert.Equal(data.Sum(x => (long)x), sum.Value);
    }

    [Fact]
    public void Deserialize_InAJobLoadContext_ResolvesTypesFromTheJobsAssemblies()
    {
        var context = new AssemblyLoadContext("job-" + Guid.NewGuid().ToString("N"));
        var jobAssembly = context.LoadFromAssemblyPath(typeof(ClosureSerializerTests).Assembly.Location);
        var policy = new TypeResolutionPolicy([jobAssembly], context);
        var factor = 5;
        Func<int, int> function = x => x * factor;

        var copy = ClosureSerializer.Deserialize(ClosureSerializer.Serialize(function), policy);

        Assert.Same(jobAssembly, copy.Method.Module.Assembly);
        Assert.NotSame(typeof(ClosureSerializerTests).Assembly, copy.Target!.GetType().Assembly);
        Assert.Equal(35, copy.DynamicInvoke(7));
    }

    [Fact]
    public void Deserialize_InAJobLoadContext_RunsFormattersUnderItsContextualReflection()
    {
        DataflowSerializer.RegisterResolver(new ContextProbeResolver());
        var context = new AssemblyLoadContext("job-" + Guid.NewGuid().ToString("N"));
        var jobAssembly = context.LoadFromAssemblyPath(typeof(ClosureSerializerTests).Assembly.Location);
        var probe = new ContextProbe();
        Func<int, int> function = x => x + probe.GetHashCode();

        ClosureSerializer.Deserialize(ClosureSerializer.Serialize(function), new TypeResolutionPolicy([jobAssembly], context));

        // The probe's formatter looked its type up by name, as user formatters do: it found the job's copy.
        Assert.Same(jobAssembly, ContextProbe.LastResolved?.Assembly);
    }

    private static T RoundTrip<T>(T function)
        where T : Delegate => ClosureSerializer.Deserialize<T>(ClosureSerializer.Serialize(function), s_policy);

    // Built apart from the test body: a lambda there would share its closure class with the test's other lambdas,
    // which capture the context.
    private static Func<int, int> AddTo(Dataflow.Broadcasting.Broadcast<int> lookup) => x => x + lookup.Value;

    private sealed class ContextProbe
    {
        public static Type? LastResolved { get; set; }
    }

    /// <summary>Serves every type named ContextProbe (the test's and the job context's copy).</summary>
    private sealed class ContextProbeResolver : MessagePack.IFormatterResolver
    {
        public MessagePack.Formatters.IMessagePackFormatter<T>? GetFormatter<T>() => typeof(T).Name == nameof(ContextProbe)
            ? (MessagePack.Formatters.IMessagePackFormatter<T>)Activator.CreateInstance(typeof(Formatter<>).MakeGenericType(typeof(T)))!
            : null;

        private sealed class Formatter<T> : MessagePack.Formatters.IMessagePackFormatter<T>
        {
            public void Serialize(ref MessagePack.MessagePackWriter writer, T value, MessagePack.MessagePackSerializerOptions options) => writer.WriteNil();

            public T Deserialize(ref MessagePack.MessagePackReader reader, MessagePack.MessagePackSerializerOptions options)
            {
                reader.Skip();
                ContextProbe.LastResolved = Type.GetType(typeof(ContextProbe).AssemblyQualifiedName!);
                return (T)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(T));
            }
        }
    }
}

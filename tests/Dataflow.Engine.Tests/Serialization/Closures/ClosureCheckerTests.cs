using System.Data;
using System.Data.Common;
using System.Linq.Expressions;
using System.Net.Sockets;
using Dataflow.Broadcasting;
using Dataflow.Execution;
using Dataflow.Serialization.Closures;
using Dataflow.Serialization.TypeSafety;
using Dataflow.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dataflow.Tests.Serialization.Closures;

public sealed class ClosureCheckerTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private const string Reopen = "open it inside the task instead (for example once per partition in SelectPartitions), or capture only the data you need from it";
    private static readonly CallSite s_select = new("Select", "/src/app/Program.cs", 42);

    [Fact]
    public void Check_ThisHoldingAConnection_NamesCallSiteMemberPathAndType()
    {
        using var connection = new SqlConnection();
        var filter = new Repository(connection, limit: 3).Filter();

        var error = Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(filter, s_select));

        Assert.Equal($"closure of Select at Program.cs:42 captures 'this.db' (SqlConnection), which cannot be sent to workers; {Reopen}", error.Message);
        Assert.Equal(s_select, error.CallSite);
        Assert.Equal("this.db", error.MemberPath);
        Assert.Equal("SqlConnection", error.CapturedType);
    }

    [Fact]
    public void Check_CapturedContext_IsRejected()
    {
        var ctx = fixture.Context;
        Func<int, int> function = x => x + ctx.GetHashCode();

        var error = Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(function, s_select));

        Assert.Equal("closure of Select at Program.cs:42 captures 'ctx' (DataflowContext), which cannot be sent to workers; " +
                     "the context exists only on the driver; call it outside the function", error.Message);
    }

    [Fact]
    public void Check_LambdaSharingItsClosureWithOneUsingTheContext_IsAccepted()
    {
        var ctx = fixture.Context;
        var factor = 3;
        Func<int, int> scale = x => x * factor;
        Func<int> other = () => ctx.DefaultParallelism;

        ClosureChecker.Shared.Check(scale, s_select);

        Assert.Same(scale.Target, other.Target);
        Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(other, s_select));
    }

    [Fact]
    public void Check_ComparerMadeFromAComparison_IsWalkedAndTravels()
    {
        using var stream = new MemoryStream();
        var byLength = Comparer<string>.Create((a, b) => a.Length.CompareTo(b.Length));
        var byStream = Comparer<string>.Create((a, b) => a.Length.CompareTo(b.Length + (int)stream.Length));
        var policy = new TypeResolutionPolicy([typeof(ClosureCheckerTests).Assembly]);

        ClosureChecker.Shared.Check(Capture(byLength), s_select);
        var error = Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(Capture(byStream), s_select));
        var copy = ClosureSerializer.Deserialize<Func<string, string, int>>(ClosureSerializer.Serialize(Compare(byLength)), policy);

        Assert.Equal("value.comparison.stream", error.MemberPath);
        Assert.Equal(-1, copy("a", "bb"));
        Assert.Equal(1, copy("ccc", "bb"));
    }

    [Fact]
    public void Check_RddUsedInsideAnotherRddsClosure_SaysTransformationsRunOnlyOnTheDriver()
    {
        var other = fixture.Context.Parallelize([1, 2, 3], 2).Select(x => x * 2);
        var where = new CallSite("Where", "/src/app/Program.cs", 3);
        var function = Capture(other);

        var error = Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(function, where));

        Assert.Equal($"closure of Where at Program.cs:3 uses RDD {other.Id} (Select at ClosureCheckerTests.cs:{other.CallSite.Line}) inside a closure " +
                     "(captured as 'value'); transformations and actions run only on the driver — join or broadcast the data instead", error.Message);
    }

    [Fact]
    public void Check_ProcessBoundObjects_AreRejectedWithTheirFix()
    {
        using var stream = new MemoryStream();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var source = new CancellationTokenSource();
        var cases = new (Delegate Function, string Type, string Hint)[]
        {
            (Capture(stream), "MemoryStream", Reopen),
            (Capture(socket), "Socket", Reopen),
            (Capture(new Thread(() => { })), "Thread", "create what you need inside the task"),
            (Capture(Task.FromResult(1)), "Task<int>", "await it on the driver and capture its result"),
            (Capture(source), "CancellationTokenSource", "inside a task, use TaskContext.Current.CancellationToken"),
            (Capture(source.Token), "CancellationToken", "inside a task, use TaskContext.Current.CancellationToken"),
            (Capture(NullLogger.Instance), "NullLogger", "create what you need inside the task"),
        };

        foreach (var (function, type, hint) in cases)
        {
            var error = Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(function, s_select));
            Assert.Equal($"closure of Select at Program.cs:42 captures 'value' ({type}), which cannot be sent to workers; {hint}", error.Message);
        }
    }

    [Fact]
    public void Check_BaseLibraryTypeOffTheAllowList_IsRejectedWithTheReason()
    {
        var function = Capture(new FileInfo("/tmp/x"));

        var error = Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(function, s_select));

        Assert.StartsWith("closure of Select at Program.cs:42 captures 'value' (FileInfo), which cannot be sent to workers: " +
                          "System.IO.FileInfo (System.Private.CoreLib) is not on the allow-list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_StreamInsideNestedDelegatesAndCollections_NamesThePath()
    {
        using var stream = new MemoryStream();
        var nested = Narrow(Capture(stream));
        var inList = Capture(new List<object> { 1, "two", stream });
        var inDictionary = Capture(new Dictionary<string, object> { ["a"] = 1, ["b"] = stream });

        Assert.Equal("selector.value", Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(nested, s_select)).MemberPath);
        Assert.Equal("value[2]", Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(inList, s_select)).MemberPath);
        Assert.Equal("value[1].value", Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(inDictionary, s_select)).MemberPath);
    }

    [Fact]
    public void Check_AfterAPassingCheck_TheSameLambdaHoldingAStream_IsStillRejected()
    {
        using var stream = new MemoryStream();
        ClosureChecker.Shared.Check(Capture<object>("text"), s_select);
        ClosureChecker.Shared.Check(Capture<object>("text"), s_select);

        var error = Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(Capture<object>(stream), s_select));

        Assert.Equal("value", error.MemberPath);
    }

    [Fact]
    public void Check_RecursiveLambda_IsRejectedAsACycle()
    {
        Func<int, int> factorial = null!;
        factorial = n => n <= 1 ? 1 : n * factorial(n - 1);

        var error = Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(factorial, s_select));

        Assert.Equal("closure of Select at Program.cs:42 captures 'factorial' (Func<int, int>), which cannot be sent to workers, because it refers " +
                     "back to an object that holds it (a reference cycle); for a recursive function use a local function or a static method", error.Message);
    }

    [Fact]
    public void Check_DeeplyNestedGraph_IsRejected()
    {
        var head = new Node();
        for (var i = 0; i < ClosureChecker.MaxDepth + 10; i++)
        {
            head = new Node { Next = head };
        }

        var error = Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(Capture(head), s_select));

        Assert.Contains($"nested more than {ClosureChecker.MaxDepth} levels deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_FunctionsWorkersCannotFind_AreRejected()
    {
        Expression<Func<int, int>> expression = x => x + 1;
        Action<string> print = Console.WriteLine;
        Action<int> both = _ => { };
        both += _ => { };

        var compiled = Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(expression.Compile(), s_select));
        var console = Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(print, s_select));
        var multicast = Assert.Throws<ClosureNotSerializableException>(() => ClosureChecker.Shared.Check(both, s_select));

        Assert.Contains("compiled at run time", compiled.Message, StringComparison.Ordinal);
        Assert.StartsWith("closure of Select at Program.cs:42 is Console.WriteLine, which cannot be sent to workers: workers do not load it",
            console.Message, StringComparison.Ordinal);
        Assert.Contains("multicast", multicast.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ClosuresThatTravel_AreAccepted()
    {
        var ctx = fixture.Context;
        var broadcast = ctx.Broadcast(new[] { 1, 2 });
        var accumulator = ctx.LongAccumulator();
        var factor = 3;
        var names = new List<string> { "a" };
        IEqualityComparer<string> comparer = StringComparer.Ordinal;
        Func<int, int> captures = x => (x * factor) + names.Count + comparer.GetHashCode("a");

        foreach (var function in new Delegate[]
                 {
                     static (int x) => x + 1, captures, Narrow(captures), Capture(broadcast), Capture(accumulator),
                     new Repository(null!, 4).Filter(), new Guarded().Function(), Capture(new object[] { 1, "a", (2, "b") }),
                 })
        {
            ClosureChecker.Shared.Check(function, s_select);
            ClosureChecker.Shared.Check(function, s_select);
        }
    }

    private static Func<int, int> Capture<T>(T value) => x => x + (value?.GetHashCode() ?? 0);

    private static Func<int, int> Narrow(Func<int, int> selector) => x => selector(x);

    private static Func<string, string, int> Compare(IComparer<string> comparer) => (a, b) => comparer.Compare(a, b);

    private sealed class Node
    {
        public Node? Next { get; set; }
    }

    private sealed class Repository(SqlConnection db, int limit)
    {
        public Func<int, bool> Filter() => x => x < limit && db?.State != ConnectionState.Open;
    }

    private sealed class Guarded
    {
        // Opted out of shipping: a worker gets null.
        [NonSerialized]
        private readonly MemoryStream? _log = new();

        public Func<int, int> Function() => x => x + (_log is null ? 0 : 1);
    }
}

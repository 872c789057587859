using System.Globalization;
using System.Linq.Expressions;
using System.Text.RegularExpressions;
using Dataflow.Execution;
using Dataflow.Serialization.Closures;
using Dataflow.Serialization.TypeSafety;
using Dataflow.Tests.Support;

namespace Dataflow.Tests.Serialization.Closures;

public sealed class ClosureSerializerTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private static readonly TypeResolutionPolicy s_policy = new([typeof(ClosureSerializerTests).Assembly]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Serialize_EngineStyleComposedClosures_RoundTripRecursively()
    {
        var random = new Random(11);
        var factor = random.Next(2, 9);
        var modulus = random.Next(2, 5);
        var label = "v";
        var pipeline = Fuse(Narrow<int, string>(x => label + (x * factor)), Filter<int>(x => x % modulus != 0));

        var copy = RoundTrip(pipeline);

        Assert.NotSame(pipeline.Target, copy.Target);
        for (var trial = 0; trial < 20; trial++)
        {
            var input = TestData.Ints(random);
            Assert.Equal(pipeline(null!, 0, input), copy(null!, 0, input));
            Assert.Equal(input.Where(x => x % modulus != 0).Select(x => "v" + (x * factor)), copy(null!, 0, input));
        }
    }

    [Fact]
    public void Serialize_GenericMethodsAndGenericClosures_RoundTrip()
    {
        Func<string, string> identity = Identity<string>;
        var pairWith = PairWith(4.5);
        var member = In(new[] { "a", "b" });

        Assert.Equal("x", RoundTrip(identity)("x"));
        Assert.Equal((1.5, 4.5), RoundTrip(pairWith)(1.5));
        var memberCopy = RoundTrip(member);
        Assert.True(memberCopy("b"));
        Assert.False(memberCopy("c"));
    }

    [Fact]
    public void Serialize_LocalFunctions_RoundTrip()
    {
        var offset = 3;
        int AddOffset(int x) => x + offset;
        static int Square(int x) => x * x;
        int Twice(int x) => x * 2;
        IEnumerable<int> Repeat(int x)
        {
            for (var i = 0; i < offset; i++)
            {
                yield return x;
            }
        }

        Assert.Equal(10, RoundTrip<Func<int, int>>(AddOffset)(7));
        Assert.Equal(49, RoundTrip<Func<int, int>>(Square)(7));
        Assert.Equal(14, RoundTrip<Func<int, int>>(Twice)(7));
        Assert.Equal([7, 7, 7], RoundTrip<Func<int, IEnumerable<int>>>(Repeat)(7));
    }

    [Fact]
    public async Task Serialize_AsyncLambdaSharingItsClosure_KeepsWhatItUses()
    {
        var offset = 4;
        var ctx = fixture.Context;
        Func<int, Task<int>> function = async x =>
        {
            await Task.Yield();
            return x + offset;
        };
        _ = (Func<int>)(() => ctx.DefaultParallelism);

        Assert.Equal(11, await RoundTrip(function)(7));
    }

    [Fact]
    public void Serialize_VariablesCapturedOnlyByOtherLambdasOfTheScope_AreLeftOut()
    {
        var ctx = fixture.Context;
        var factor = 3;
        Func<int, int> scale = x => x * factor;
        Func<int> other = () => ctx.DefaultParallelism + factor;

        var copy = RoundTrip(scale);

        // C# shares one closure object between both lambdas; only what scale uses travels.
        Assert.Same(scale.Target, other.Target);
        Assert.Equal(21, copy(7));
        Assert.Null(copy.Target!.GetType().GetField("ctx")!.GetValue(copy.Target));
        Assert.Same(ctx, scale.Target!.GetType().GetField("ctx")!.GetValue(scale.Target));
    }

    [Fact]
    public void Serialize_StaticLambdasAndMethodGroups_RoundTrip()
    {
        Func<int, int> times7 = static x => x * 7;
        Func<double, double> sqrt = Math.Sqrt;
        Func<string, int> parse = int.Parse;
        Func<string, string> wrap = "<".Wrap;

        Assert.Equal(21, RoundTrip(times7)(3));
        Assert.Equal(3.0, RoundTrip(sqrt)(9.0));
        Assert.Equal(42, RoundTrip(parse)("42"));
        Assert.Equal("<x>", RoundTrip(wrap)("x"));
        Assert.Null(RoundTrip(sqrt).Target);
    }

    [Fact]
    public void Serialize_CapturedLocalsOfManyTypes_RoundTrip()
    {
        var random = new Random(5);
        var i = random.Next();
        var l = (long)random.Next() << 20;
        var d = random.NextDouble();
        var m = 12.5m;
        var s = "héllo";
        var c = 'q';
        var when = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var offset = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));
        var span = TimeSpan.FromMinutes(90);
        var id = new Guid(Enumerable.Range(1, 16).Select(b => (byte)b).ToArray());
        var day = DayOfWeek.Thursday;
        int? none = null;
        int? some = 8;
        int[] array = [3, 1, 2];
        var grid = new int[,] { { 1, 2 }, { 3, 4 } };
        var list = new List<string> { "x", "y" };
        var map = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 };
        var set = new HashSet<int> { 4, 5 };
        var pair = (Left: 1, Right: "r");
        var kvp = new KeyValuePair<string, double>("k", 0.25);
        object boxed = 42L;
        IReadOnlyList<string> readOnly = list;
        var point = new Point(3, 4);
        var money = new Money(9.99m, "EUR");
        byte[] bytes = [1, 2, 3];
        string F(int x) => string.Join("|", i + x, l, d, m, s, c, when.Ticks, offset.Offset, span, id, day, none, some, array.Sum(),
            grid[1, 0], list.Count, map["b"], set.Contains(x), pair.Right, kvp.Value, boxed.GetType().Name, readOnly.GetType().Name,
            point.X * point.Y, money, bytes.Length);
        Func<int, string> function = F;

        var copy = RoundTrip(function);

        foreach (var x in new[] { 4, 5, 6 })
        {
            Assert.Equal(function(x), copy(x));
        }

        Assert.Contains("|Int64|List`1|", copy(0), StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_CapturedThisWithPrivateFields_CopiesEveryField()
    {
        var scaler = new Scaler(offset: 7, factor: 3, label: "s", names: ["a", "b"]);
        var describe = scaler.Describe();
        Assert.Same(scaler, describe.Target);

        var copy = RoundTrip(describe);

        Assert.NotSame(scaler, copy.Target);
        Assert.IsType<Scaler>(copy.Target);
        Assert.Equal("s:2:37", copy(10));
        Assert.Equal(describe(10), copy(10));
    }

    [Fact]
    public void Serialize_CapturedDelegatesAndObjectFields_KeepRuntimeTypes()
    {
        var inner = new Scaler(offset: 1, factor: 2, label: "in", names: []).Describe();
        var holder = new Holder { Function = inner, Anything = new Money(1m, "USD"), Shape = new Circle(2) };
        Func<int, string> outer = x => $"{holder.Function!(x)}/{holder.Anything}/{holder.Shape!.Area:F2}";

        var copy = RoundTrip(outer);

        Assert.Equal(outer(5), copy(5));
    }

    [Fact]
    public void Serialize_WellKnownSingletonsRegexAndLocks_AreReboundOrRebuilt()
    {
        IEqualityComparer<string> ignoreCase = StringComparer.OrdinalIgnoreCase;
        IComparer<int> order = Comparer<int>.Default;
        IEqualityComparer<int> equality = EqualityComparer<int>.Default;
        var culture = CultureInfo.InvariantCulture;
        var regex = new Regex("^a+b$", RegexOptions.IgnoreCase);
        var gate = new Lock();
        Func<string, string> function = s =>
        {
            lock (gate)
            {
                return $"{ignoreCase.Equals(s, "AAB")}|{regex.IsMatch(s)}|{order.Compare(s.Length, 3)}|{equality.Equals(s.Length, 3)}|{1.5.ToString(culture)}";
            }
        };

        var copy = RoundTrip(function);

        foreach (var input in new[] { "aab", "AB", "xyz", "aaaab" })
        {
            Assert.Equal(function(input), copy(input));
        }

        var target = copy.Target!;
        Assert.Same(StringComparer.OrdinalIgnoreCase, target.GetType().GetField("ignoreCase")!.GetValue(target));
        Assert.Same(EqualityComparer<int>.Default, target.GetType().GetField("equality")!.GetValue(target));
        Assert.Same(CultureInfo.InvariantCulture, target.GetType().GetField("culture")!.GetValue(target));
        var gateField = target.GetType().GetField("gate")!;
        Assert.IsType<Lock>(gateField.GetValue(target));
        Assert.NotSame(gateField.GetValue(function.Target), gateField.GetValue(target));
    }

    [Fact]
    public void Serialize_FunctionsCompiledAtRunTimeOrCombined_AreRefused()
    {
        Expression<Func<int, int>> expression = x => x + 1;
        Func<int, int> compiled = expression.Compile();
        Action<int> first = _ => { };
        Action<int> both = first + (_ => { });

        Assert.Contains("compiled at run time", Assert.Throws<NotSupportedException>(() => ClosureSerializer.Serialize(compiled)).Message, StringComparison.Ordinal);
        Assert.Contains("multicast", Assert.Throws<NotSupportedException>(() => ClosureSerializer.Serialize(both)).Message, StringComparison.Ordinal);
    }

    private static T RoundTrip<T>(T function)
        where T : Delegate => ClosureSerializer.Deserialize<T>(ClosureSerializer.Serialize(function), s_policy);

    // The shapes of the engine's own operator closures: a per-partition function capturing the user's function.
    private static Func<TaskContext, int, IEnumerable<T>, IEnumerable<TResult>> Narrow<T, TResult>(Func<T, TResult> selector) =>
        (_, _, items) => items.Select(selector);

    private static Func<TaskContext, int, IEnumerable<T>, IEnumerable<T>> Filter<T>(Func<T, bool> predicate) =>
        (_, _, items) => items.Where(predicate);

    private static Func<TaskContext, int, IEnumerable<T>, IEnumerable<TResult>> Fuse<T, TResult>(
        Func<TaskContext, int, IEnumerable<T>, IEnumerable<TResult>> outer, Func<TaskContext, int, IEnumerable<T>, IEnumerable<T>> inner) =>
        (context, index, items) => outer(context, index, inner(context, index, items));

    private static T Identity<T>(T value) => value;

    private static Func<T, (T, T)> PairWith<T>(T other) => x => (x, other);

    private static Func<T, bool> In<T>(IEnumerable<T> items)
    {
        var set = new HashSet<T>(items);
        return set.Contains;
    }

    private readonly record struct Point(int X, int Y);

    private sealed record Money(decimal Amount, string Currency);

    private abstract class Shape
    {
        public abstract double Area { get; }
    }

    private sealed class Circle(double radius) : Shape
    {
        private readonly double _radius = radius;

        public override double Area => Math.PI * _radius * _radius;
    }

    private sealed class Holder
    {
        public Func<int, string>? Function { get; set; }

        public object? Anything { get; set; }

        public Shape? Shape { get; set; }
    }

    private abstract class ScalerBase(int offset)
    {
        private readonly int _offset = offset;

        protected int Offset => _offset;
    }

    private sealed class Scaler(int offset, int factor, string label, List<string> names) : ScalerBase(offset)
    {
        private readonly int _factor = factor;
        private readonly List<string> _names = names;

        private string Label { get; } = label;

        public Func<int, string> Describe() => x => $"{Label}:{_names.Count}:{(x * _factor) + Offset}";
    }
}

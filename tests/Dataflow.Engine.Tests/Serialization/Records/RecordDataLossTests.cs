namespace Dataflow.Tests.Serialization.Records;

/// <summary>
/// Records cross shuffles by their public members. A record type whose data would not come back (a private field, a
/// get-only property nothing sets, a member of a custom interface type) is refused when the shuffle is built, naming
/// the type and member; types whose data does come back shuffle unchanged.
/// </summary>
public sealed class RecordDataLossTests : IAsyncLifetime
{
    private DataflowContext _ctx = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _ctx = new DataflowContext("local[2]");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _ctx.DisposeAsync();

    [Fact]
    public void PrivateField_IsRefusedNamingIt() =>
        AssertRefused(new WithPrivateField(3), "WithPrivateField", "non-public field '_secret'");

    [Fact]
    public void GetOnlyPropertyNothingSets_IsRefusedNamingIt() =>
        AssertRefused(new WithUnsetProperty(), "WithUnsetProperty", "property 'Items' has no setter");

    [Fact]
    public void MemberOfACustomInterfaceType_IsRefused() =>
        AssertRefused(new WithInterfaceMember { Shape = new Square() }, "WithInterfaceMember", "interface type");

    [Fact]
    public void MemberTypedObject_IsRefused() =>
        AssertRefused(new WithObjectMember { Value = new Square() }, "WithObjectMember", "typed object");

    [Fact]
    public async Task EventsAndIgnoredDerivedProperties_AreAccepted()
    {
        var values = Enumerable.Range(0, 10).Select(i => (i % 2, new Observable { Count = i })).ToArray();

        var grouped = await _ctx.Parallelize(values, 2).GroupByKey(2).ToListAsync(Ct);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"{i}/-1").Order(StringComparer.Ordinal), grouped.SelectMany(g => g.Value).Select(o => $"{o.Count}/{o.Fixed}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LocalMemoryOnlyCache_NeverSerialises_SoOnlyDiskLevelsAreChecked()
    {
        var rdd = _ctx.Parallelize([new WithPrivateField(1)], 1);

        rdd.Cache();
        var error = Assert.Throws<ArgumentException>(() => _ctx.Parallelize([new WithPrivateField(1)], 1).Persist(Dataflow.Storage.StorageLevel.MemoryAndDisk));

        Assert.Contains("_secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CollectionSubclassWithItsOwnMembers_IsRefused() =>
        AssertRefused(new Bag { Name = "b" }, "Bag", "own member 'Name'");

    [Fact]
    public async Task EngineGrouping_WrittenByItsMembers_IsAccepted()
    {
        var groups = await _ctx.Parallelize([new Grouping<string, int>("k", [1, 2])], 1).Select(g => (1, g)).GroupByKey(2).ToListAsync(Ct);

        Assert.Equal("k: [1, 2]", groups.Single().Value.Single().ToString());
    }

    [Fact]
    public void InsideAList_IsRefusedToo()
    {
        var rdd = _ctx.Parallelize([1, 2], 2).Select(i => (i, new List<WithPrivateField> { new(i) }));

        var error = Assert.Throws<ArgumentException>(() => rdd.GroupByKey(2));

        Assert.True(error.Message.Contains("non-public field '_secret'", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public async Task TypesWhoseDataComesBack_ShuffleUnchanged()
    {
        var values = Enumerable.Range(0, 50).Select(i => (i % 5, new Shuffled(i, $"n{i}") { Note = "x" + i })).ToArray();

        var grouped = await _ctx.Parallelize(values, 3).GroupByKey(2).ToListAsync(Ct);
        var anonymous = await _ctx.Parallelize(Enumerable.Range(0, 20).ToArray(), 2).Select(i => (i % 3, new { Id = i, Name = "a" + i })).GroupByKey(2).ToListAsync(Ct);

        Assert.Equal(
            values.Select(v => $"{v.Item2.Total}/{v.Item2.Name}/{v.Item2.Note}/{v.Item2.Cache}").Order(),
            grouped.SelectMany(g => g.Value).Select(v => $"{v.Total}/{v.Name}/{v.Note}/{v.Cache}").Order());
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"{i}a{i}").Order(), anonymous.SelectMany(g => g.Value).Select(v => $"{v.Id}{v.Name}").Order());
    }

    private void AssertRefused<T>(T value, string type, string member)
    {
        var rdd = _ctx.Parallelize([value], 1).Select(v => (1, v));

        var error = Assert.Throws<ArgumentException>(() => rdd.PartitionBy(new Dataflow.Partitioning.HashPartitioner(2)));

        Assert.Contains(type, error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Contains(member, StringComparison.Ordinal), error.Message);
        Assert.Contains("RecordDataLossTests.cs", error.Message, StringComparison.Ordinal);
    }

    /// <summary>MessagePack can build it (parameterless constructor) and would silently drop <c>_secret</c>.</summary>
    public sealed class WithPrivateField
    {
        private readonly int _secret;

        public WithPrivateField()
        {
        }

        public WithPrivateField(int secret) => _secret = secret;

        public int Doubled => _secret * 2;
    }

    public sealed class WithUnsetProperty
    {
        public List<int> Items { get; } = [1, 2, 3];
    }

    public sealed class Bag : List<int>
    {
        public string Name { get; set; } = "";
    }

    public sealed class WithObjectMember
    {
        public object? Value { get; set; }
    }

    /// <summary>An event (handlers, not data) and a constant property marked [IgnoreMember].</summary>
    public sealed class Observable
    {
        public event EventHandler? Changed;

        public int Count { get; set; }

        [MessagePack.IgnoreMember]
        public int Fixed { get; } = -1;

        public void Touch() => Changed?.Invoke(this, EventArgs.Empty);
    }

    public interface IShape
    {
        double Area { get; }
    }

    public sealed class Square : IShape
    {
        public double Area { get; set; } = 1;
    }

    public sealed class WithInterfaceMember
    {
        public IShape? Shape { get; set; }
    }

    /// <summary>A private field behind a public property set by the constructor, an init property, a derived cache.</summary>
    public sealed class Shuffled(int total, string name)
    {
        private readonly int _total = total;

        [NonSerialized]
        private string? _cache;

        public int Total => _total;

        public string Name { get; } = name;

        public string? Note { get; init; }

        public string Cache => _cache ??= Name + Total;
    }
}

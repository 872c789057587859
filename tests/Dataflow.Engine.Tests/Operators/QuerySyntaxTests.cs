using Dataflow.Tests.Support;

namespace Dataflow.Tests.Operators;

/// <summary>
/// C# query programs over RDDs must compile to the RDD operators and give what the same query gives over arrays
/// (LINQ-to-Objects): every clause, anonymous types crossing shuffles (as keys, values and sort elements), and
/// <c>orderby</c> sequences equal to LINQ's.
/// </summary>
public sealed class QuerySyntaxTests(ContextFixture fixture) : IClassFixture<ContextFixture>
{
    private readonly DataflowContext _ctx = fixture.Context;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 6)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Public: records crossing a shuffle must be public types for MessagePack's dynamic formatters.
    public sealed record Customer(int Id, string Name, string? City);

    public sealed record Order(int Id, int CustomerId, int Total, string Product);

    private (Customer[] Customers, Order[] Orders, Rdd<Customer> CustomerRdd, Rdd<Order> OrderRdd) Shop(int seed)
    {
        var random = new Random(seed);
        string[] products = ["tea", "jam", "bread", "cheese", "wine"];
        var customers = Enumerable.Range(0, random.Next(1, 40))
            .Select(i => new Customer(i, (random.Next(3) == 0 ? "ann-" : "bob-") + i, random.Next(6) == 0 ? null : "C" + random.Next(4))).ToArray();
        var orders = Enumerable.Range(0, random.Next(1, 300))
            .Select(i => new Order(i, random.Next(45), random.Next(1, 100), products[random.Next(random.Next(1, products.Length))])).ToArray();
        return (customers, orders, _ctx.Parallelize(customers, TestData.Partitions(random, customers.Length)),
            _ctx.Parallelize(orders, TestData.Partitions(random, orders.Length)));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task WhereLetSelectAndSecondFrom_MatchLinqInOrder(int seed)
    {
        var (customers, _, customerRdd, _) = Shop(seed);
        Assert.Equal(
            from c in customers let parts = c.Name.Split('-') where parts[0] == "ann" from part in parts select new { c.Id, Part = part, Length = parts.Length },
            await (from c in customerRdd let parts = c.Name.Split('-') where parts[0] == "ann" from part in parts select new { c.Id, Part = part, Length = parts.Length })
                .ToListAsync(Ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task JoinOnEquals_MatchesLinqJoin(int seed)
    {
        var (customers, orders, customerRdd, orderRdd) = Shop(seed);
        var query = from o in orderRdd join c in customerRdd on o.CustomerId equals c.Id select new { Order = o.Id, c.Name, o.Total };
        var actual = await StageAssert.RunsStagesAsync(fixture, 3, () => query.ToListAsync(Ct));
        StageAssert.SameMultiset(from o in orders join c in customers on o.CustomerId equals c.Id select new { Order = o.Id, c.Name, o.Total }, actual);
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task JoinOnEquals_OverPairRdds_UsesTheLinqShapedJoin(int seed)
    {
        var (customers, orders, customerRdd, orderRdd) = Shop(seed);
        var byCustomer = orderRdd.KeyBy(o => o.CustomerId);
        var names = customerRdd.Select(c => (Key: c.Id, Value: c.Name));
        var query = from o in byCustomer join n in names on o.Value.Product.Length equals n.Key % 7 select (o.Value.Id, n.Value);
        StageAssert.SameMultiset(
            from o in orders join c in customers on o.Product.Length equals c.Id % 7 select (o.Id, c.Name),
            await query.ToListAsync(Ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task JoinInto_AndLeftJoinPattern_MatchLinqGroupJoin(int seed)
    {
        var (customers, orders, customerRdd, orderRdd) = Shop(seed);
        var totals = from c in customerRdd
                     join o in orderRdd on c.Id equals o.CustomerId into placed
                     select new { c.Name, Count = placed.Count(), Sum = placed.Sum(o => o.Total) };
        StageAssert.SameMultiset(
            from c in customers join o in orders on c.Id equals o.CustomerId into placed select new { c.Name, Count = placed.Count(), Sum = placed.Sum(o => o.Total) },
            await StageAssert.RunsStagesAsync(fixture, 3, () => totals.ToListAsync(Ct)));
        var leftJoin = from c in customerRdd
                       join o in orderRdd on c.Id equals o.CustomerId into placed
                       from o in placed.DefaultIfEmpty()
                       select new { c.Name, Product = o == null ? "-" : o.Product };
        StageAssert.SameMultiset(
            from c in customers join o in orders on c.Id equals o.CustomerId into placed from o in placed.DefaultIfEmpty()
            select new { c.Name, Product = o == null ? "-" : o.Product },
            await leftJoin.ToListAsync(Ct));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task GroupByInto_WithElementSelectorAndAnonymousKey_MatchesLinq(int seed)
    {
        var (_, orders, _, orderRdd) = Shop(seed);
        var perProduct = from o in orderRdd group o.Total by o.Product into g select new { Product = g.Key, Sum = g.Sum(), Count = g.Count() };
        StageAssert.SameMultiset(
            from o in orders group o.Total by o.Product into g select new { Product = g.Key, Sum = g.Sum(), Count = g.Count() },
            await StageAssert.RunsStagesAsync(fixture, 2, () => perProduct.ToListAsync(Ct)));
        // The anonymous key crosses the shuffle (hashed and serialised) and must still group equal keys together.
        var perPair = from o in orderRdd group o by new { o.CustomerId, o.Product } into g select new { g.Key.CustomerId, g.Key.Product, Ids = string.Join(",", g.Select(o => o.Id).Order()) };
        StageAssert.SameMultiset(
            from o in orders group o by new { o.CustomerId, o.Product } into g select new { g.Key.CustomerId, g.Key.Product, Ids = string.Join(",", g.Select(o => o.Id).Order()) },
            await StageAssert.RunsStagesAsync(fixture, 2, () => perPair.ToListAsync(Ct)));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task OrderByMultiKeyDescending_MatchesLinqSequence(int seed)
    {
        var (_, orders, _, orderRdd) = Shop(seed);
        var sorted = from o in orderRdd orderby o.Product, o.Total descending, o.CustomerId select new { o.Product, o.Total, o.CustomerId };
        Assert.Equal(
            from o in orders orderby o.Product, o.Total descending, o.CustomerId select new { o.Product, o.Total, o.CustomerId },
            await StageAssert.RunsStagesAsync(fixture, 2, () => sorted.ToListAsync(Ct)));
        // Anonymous elements as the sorted records (they cross the shuffle as its keys).
        var projected = from o in orderRdd select new { o.Total, o.Product } into x orderby x.Total descending, x.Product select x;
        Assert.Equal(
            from o in orders select new { o.Total, o.Product } into x orderby x.Total descending, x.Product select x,
            await StageAssert.RunsStagesAsync(fixture, 2, () => projected.ToListAsync(Ct)));
    }

    [Theory, MemberData(nameof(Seeds))]
    public async Task WhereLetGroupOrderBy_WholeProgram_MatchesLinq(int seed)
    {
        var (customers, orders, customerRdd, orderRdd) = Shop(seed);
        var report = from o in orderRdd
                     where o.Total > 10
                     join c in customerRdd on o.CustomerId equals c.Id
                     let band = o.Total / 25
                     group new { c.City, o.Total } by band into g
                     orderby g.Count() descending, g.Key
                     select new { Band = g.Key, Orders = g.Count(), Cities = g.Select(x => x.City).Distinct().Count() };
        var expected = from o in orders
                       where o.Total > 10
                       join c in customers on o.CustomerId equals c.Id
                       let band = o.Total / 25
                       group new { c.City, o.Total } by band into g
                       orderby g.Count() descending, g.Key
                       select new { Band = g.Key, Orders = g.Count(), Cities = g.Select(x => x.City).Distinct().Count() };
        Assert.Equal(expected, await report.ToListAsync(Ct));
    }
}

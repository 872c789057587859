using Dataflow.MLlib.Recommendation;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.Recommendation;

/// <summary>Ratings files, and ratings as records through a shuffle.</summary>
public sealed class RatingLoaderTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LoadRatings_GoodFile_ReadsEveryRatingInOrder()
    {
        using var directory = new TempDirectory();
        var file = directory.Write("r.csv", "# user,item,rating\n0,1,4.5\n\n2, 0 ,-1e-1\n10,3,3\n");
        var ratings = await fixture.Context.LoadRatings(file).ToListAsync(Ct);
        Assert.Equal([new Rating(0, 1, 4.5), new Rating(2, 0, -0.1), new Rating(10, 3, 3)], ratings);
    }

    [Theory]
    [InlineData("0,1,4\n1,x,2\n", 2, "not a rating")]
    [InlineData("0,1,4\n1,2\n", 2, "not a rating")]
    [InlineData("0,1,NaN\n", 1, "not a rating")]
    [InlineData("0,1,4\n\n-1,2,3\n", 3, "not a rating")]
    [InlineData("0,1,4\n7,2,3\n", 2, "user 7")]
    public async Task LoadRatings_BadLine_FailsAtItsFileAndLine(string text, int line, string what)
    {
        using var directory = new TempDirectory();
        var file = directory.Write("r.csv", text);
        var error = await Assert.ThrowsAsync<JobFailedException>(() => fixture.Context.LoadRatings(file, users: 5).ToListAsync(Ct));
        var bad = Assert.IsType<BadInputException>(error.InnerException);
        Assert.StartsWith($"{file}:{line}: ", bad.Message, StringComparison.Ordinal);
        Assert.Contains(what, bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ratings_ThroughAShuffle_RoundTrip()
    {
        var ratings = new RatingGenerator { Users = 20, Items = 10, Rank = 2, Ratings = 500, Seed = 1 }.Generate();
        var shuffled = await fixture.Context.Parallelize(ratings, 3).Repartition(2).ToListAsync(Ct);
        Assert.Equal(ratings.OrderBy(r => (r.User, r.Item, r.Value)), shuffled.OrderBy(r => (r.User, r.Item, r.Value)));
    }
}

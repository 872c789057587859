using Dataflow.Rdds;

namespace Dataflow.Tests.Rdds;

/// <summary>The grouping behind Coalesce: balanced groups, adjacent partitions, same-location partitions together.</summary>
public sealed class PartitionCoalescerTests
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 20)];

    private static void AssertValid(CoalescedPartition[] groups, int parents, int maxPartitions)
    {
        Assert.Equal(Math.Min(parents, maxPartitions), groups.Length);
        Assert.Equal(Enumerable.Range(0, groups.Length), groups.Select(g => g.Index));
        Assert.Equal(Enumerable.Range(0, parents), groups.SelectMany(g => g.Parents).Order());
        Assert.All(groups, g => Assert.Equal(g.Parents.Order(), g.Parents));
        Assert.True(groups.Max(g => g.Parents.Count) - groups.Min(g => g.Parents.Count) <= 1, "groups are not balanced");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Coalesce_NoLocations_MakesBalancedRunsOfAdjacentPartitions(int seed)
    {
        var random = new Random(seed);
        var parents = random.Next(1, 60);
        var max = random.Next(1, parents + 5);
        var groups = PartitionCoalescer.Coalesce(new string?[parents], max);
        AssertValid(groups, parents, max);
        Assert.Equal(Enumerable.Range(0, parents), groups.SelectMany(g => g.Parents));
        Assert.All(groups, g => Assert.Null(g.Location));
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Coalesce_InterleavedLocations_GroupsEachHostsPartitionsTogether(int seed)
    {
        var random = new Random(seed);
        var hosts = random.Next(2, 5);
        var perHost = random.Next(1, 6);
        var groupsPerHost = random.Next(1, perHost + 1);

        // Partition i lives on host i % hosts, so adjacent partitions never share a host.
        var locations = Enumerable.Range(0, hosts * perHost).Select(i => "host" + (i % hosts)).ToArray();
        var groups = PartitionCoalescer.Coalesce(locations, hosts * groupsPerHost);
        AssertValid(groups, locations.Length, hosts * groupsPerHost);
        Assert.All(groups, g =>
        {
            Assert.Single(g.Parents.Select(p => locations[p]).Distinct());
            Assert.Equal(locations[g.Parents[0]], g.Location);
        });
    }

    [Fact]
    public void Coalesce_MixedLocations_GroupsByLocationFirstAndTakesTheMajorityLocation()
    {
        string?[] locations = ["a", null, "b", "a", "a", null, "b", "b", "a"];
        var groups = PartitionCoalescer.Coalesce(locations, 3);
        AssertValid(groups, locations.Length, 3);

        // Ordered a: 0 3 4 8, none: 1 5, b: 2 6 7, then cut into threes; the group with 8 in it prefers "a".
        Assert.Equal([[0, 3, 4], [1, 5, 8], [2, 6, 7]], groups.Select(g => g.Parents.ToArray()));
        Assert.Equal(["a", "a", "b"], groups.Select(g => g.Location));
    }
}

using Dataflow.Cluster.Driver;
using Dataflow.Execution;

namespace Dataflow.Cluster.Tests.Execution;

/// <summary>The driver's barrier coordinator, without a cluster.</summary>
public sealed class DriverBarriersTests
{
    [Fact]
    public void Round_ReleasesOnlyWhenEveryPartitionHasArrived_AndARepeatedArrivalCountsOnce()
    {
        var barriers = new DriverBarriers();
        var first = barriers.ArriveAsync(Arrival(partition: 0, round: 0));
        // Partition 0 asks again (its wait timed out): still one arrival of two.
        var again = barriers.ArriveAsync(Arrival(partition: 0, round: 0));
        Assert.False(first.IsCompleted);
        Assert.False(again.IsCompleted);

        var last = barriers.ArriveAsync(Arrival(partition: 1, round: 0));

        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(again.IsCompletedSuccessfully);
        Assert.True(last.IsCompletedSuccessfully);
        // A released round answers at once; the next round waits for both again.
        Assert.True(barriers.ArriveAsync(Arrival(partition: 1, round: 0)).IsCompletedSuccessfully);
        Assert.False(barriers.ArriveAsync(Arrival(partition: 1, round: 1)).IsCompleted);
    }

    [Fact]
    public void Launches_AreSeparatePerEpoch_AndDroppedWithTheirStageAttempt()
    {
        var barriers = new DriverBarriers();
        var epoch0 = barriers.ArriveAsync(Arrival(partition: 0, round: 0, epoch: 0));
        var epoch1 = barriers.ArriveAsync(Arrival(partition: 1, round: 0, epoch: 1));
        Assert.False(epoch0.IsCompleted);
        Assert.False(epoch1.IsCompleted);
        Assert.Equal(2, barriers.Count);

        barriers.RemoveStageAttempt(stageId: 4, stageAttempt: 1);
        Assert.Equal(2, barriers.Count);
        barriers.RemoveStageAttempt(stageId: 4, stageAttempt: 0);
        Assert.Equal(0, barriers.Count);
    }

    [Fact]
    public void Arrival_NamingAnotherTaskCount_IsRefused()
    {
        var barriers = new DriverBarriers();
        _ = barriers.ArriveAsync(Arrival(partition: 0, round: 0));
        var error = Assert.Throws<InvalidOperationException>(() => { _ = barriers.ArriveAsync(Arrival(partition: 1, round: 0) with { NumTasks = 3 }); });
        Assert.Contains("3 tasks, the launch has 2", error.Message, StringComparison.Ordinal);
    }

    private static BarrierArrival Arrival(int partition, int round, int epoch = 0) => new(4, 0, epoch, 2, partition, round);
}

using Dataflow.MLlib.Optimization;
using Dataflow.MLlib.Tests.Evaluation;

namespace Dataflow.MLlib.Tests.Optimization;

/// <summary>
/// Updaters travel inside task closures (the model-in-an-RDD mode steps slices in tasks): the closure check accepts
/// them, and a step made in a task equals the same step made on the driver.
/// </summary>
public sealed class UpdaterShippingTests(LocalContextFixture fixture) : IClassFixture<LocalContextFixture>
{
    [Theory]
    [InlineData("sgd")]
    [InlineData("adagrad")]
    public async Task Update_InsideATask_MatchesTheDriverUpdate(string kind)
    {
        var l2 = new L2Regularization(0.1, RegularizedKeys.Below(3));
        IUpdater updater = kind == "sgd" ? new SgdUpdater(new InverseTimeStepSchedule(0.2, 0.1), l2) : new AdaGradUpdater(regularization: l2);
        double[] start = [1, -2, 0.5, 4];
        double[] gradient = [0.3, -0.1, 0.2, 0.7];

        var inTasks = await fixture.Context.Parallelize(new[] { 1L, 2L, 3L }, 3).Select(t =>
        {
            var weights = (double[])start.Clone();
            updater.Update(weights, new double[weights.Length * updater.StatePerEntry], gradient, 0, t);
            return weights;
        }).ToArrayAsync(TestContext.Current.CancellationToken);

        for (var t = 1; t <= 3; t++)
        {
            var weights = (double[])start.Clone();
            updater.Update(weights, new double[weights.Length * updater.StatePerEntry], gradient, 0, t);
            Assert.Equal(weights, inTasks[t - 1]);
        }
    }
}

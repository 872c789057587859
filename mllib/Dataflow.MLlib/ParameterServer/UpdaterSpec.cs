using Dataflow.MLlib.Optimization;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// A server-side updater by name and settings, so that it can travel to shards on other machines: <c>adagrad</c>
/// (constant step η, ε) or <c>sgd</c> (step η/√t, Spark's schedule, or η / (1 + d·(t − 1)) with a decay d), with L2 λ on the keys below
/// <see cref="RegularizedBelow"/> (the intercept, placed after the weights, is not penalised).
/// </summary>
/// <param name="Kind"><c>adagrad</c> or <c>sgd</c>.</param>
/// <param name="Step">η; default 0.5.</param>
/// <param name="Epsilon">AdaGrad's ε; default 1e-8.</param>
/// <param name="RegParam">λ; default 0.</param>
/// <param name="RegularizedBelow">The keys 0 … this − 1 are penalised.</param>
/// <param name="Decay">SGD only: null for η/√t; d ≥ 0 for η / (1 + d·(t − 1)) (0: a constant step).</param>
public sealed record UpdaterSpec(string Kind = "adagrad", double Step = AdaGradUpdater.DefaultStep, double Epsilon = AdaGradUpdater.DefaultEpsilon,
    double RegParam = 0, int RegularizedBelow = 0, double? Decay = null)
{
    /// <summary>The updater these settings describe.</summary>
    /// <exception cref="ArgumentException">An unknown kind or a bad number, naming it.</exception>
    public IUpdater Build()
    {
        var l2 = RegParam == 0 ? null : new L2Regularization(RegParam, RegularizedKeys.Below(RegularizedBelow));
        return Kind.ToLowerInvariant() switch
        {
            "adagrad" => new AdaGradUpdater(new ConstantStepSchedule(Step), Epsilon, l2),
            "sgd" => new SgdUpdater(Decay is { } d ? new InverseTimeStepSchedule(Step, d) : new InverseSqrtStepSchedule(Step), l2),
            _ => throw new ArgumentException($"The updater must be sgd or adagrad, got '{Kind}'.", nameof(Kind)),
        };
    }
}

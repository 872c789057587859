namespace Dataflow.MLlib.Training;

/// <summary>The optimizer a linear model is trained with.</summary>
public enum TrainingOptimizer
{
    /// <summary>L-BFGS with a strong Wolfe line search (the default, as Spark).</summary>
    Lbfgs,

    /// <summary>Mini-batch stochastic gradient descent, the batches sampled inside the partitions.</summary>
    Sgd,
}

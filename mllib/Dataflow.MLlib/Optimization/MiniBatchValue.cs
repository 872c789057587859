namespace Dataflow.MLlib.Optimization;

/// <summary>
/// A mini-batch evaluation: the mean data loss over the rows sampled and its gradient, <b>without</b> regularisation
/// (the updater adds λ·w to the regularised entries, as a parameter-server shard does), and the number of rows.
/// </summary>
/// <param name="Loss">The mean loss over the <paramref name="Count"/> rows.</param>
/// <param name="Gradient">Its gradient (a fresh array, handed over to the optimizer).</param>
/// <param name="Count">Rows in the batch; 0 for an empty batch, which the optimizer skips.</param>
public readonly record struct MiniBatchValue(double Loss, double[] Gradient, long Count);

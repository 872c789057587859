namespace Dataflow.MLlib.Training;

/// <summary>What a <see cref="BlockPass"/> returns: the partitions' sums added up, and the rows they covered.</summary>
/// <param name="Sums">The sums (a fresh array, owned by the caller).</param>
/// <param name="Rows">The rows the contributions ran over (the mini-batch's size when sampling).</param>
internal readonly record struct PassResult(double[] Sums, long Rows);

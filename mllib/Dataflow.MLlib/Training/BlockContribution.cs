using Dataflow.MLlib.Kernels;

namespace Dataflow.MLlib.Training;

/// <summary>
/// What one block adds to a pass's sums, run in the task on the task's thread: typically one kernel call, such as
/// <see cref="IBlockKernels.BinaryLogistic"/> writing the gradient into the first entries of <paramref name="sums"/>
/// and adding the loss to the last. It must only add to <paramref name="sums"/> and never keep
/// <paramref name="model"/> or <paramref name="sums"/>.
/// </summary>
/// <param name="block">The block.</param>
/// <param name="model">The broadcast model (the executor's copy; read only).</param>
/// <param name="sums">This partition's sums, as long as the pass asked for.</param>
/// <param name="rows">The block's rows in the mini-batch (ascending), or null for all.</param>
internal delegate void BlockContribution(InstanceBlock block, double[] model, double[] sums, int[]? rows);

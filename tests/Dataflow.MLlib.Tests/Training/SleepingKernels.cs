using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.Training;

/// <summary>The SIMD kernels, except that the binary logistic kernel first sleeps for a fixed time: a kernel of known cost.</summary>
public sealed class SleepingKernels(int milliseconds) : BinaryLogisticHookKernels
{
    public override string Name => "sleeping";

    protected override void BeforeBinaryLogistic() => Thread.Sleep(milliseconds);
}

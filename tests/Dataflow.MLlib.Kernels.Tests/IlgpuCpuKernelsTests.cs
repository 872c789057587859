namespace Dataflow.MLlib.Kernels.Tests;

/// <summary>
/// The contract run against the ILGPU kernels on ILGPU's CPU accelerator (what CI has; the same kernels run on a CUDA
/// GPU), plus what is particular to them: device-resident blocks and their transfer counters.
/// </summary>
/// <remarks>
/// One kernels instance serves the whole class (the tests of a class run one at a time): creating the context and
/// compiling the kernels once keeps the suite fast. The ILGPU kernels compute everything in float64, exp and log
/// included, so the contract's tolerance (1e-6 relative against the float64 references) applies unchanged.
/// </remarks>
public sealed class IlgpuCpuKernelsTests : BlockKernelsContractTests
{
    private static readonly Lazy<IlgpuKernels> Shared = new(IlgpuKernels.CreateCpu);

    protected override IBlockKernels CreateKernels() => Shared.Value;

    [Fact]
    public void Name_IsIlgpuCpu() => Assert.Equal("ilgpu-cpu", Shared.Value.Name);

    [Theory]
    [MemberData(nameof(Layouts))]
    public void RepeatedCalls_UploadTheBlockOnceAndThenOnlyTheModel(bool sparse)
    {
        var rng = new Random(20_000 + (sparse ? 1 : 0));
        const int d = 23, rows = 40;
        var block = RandomBlocks.Make(rng, rows, d, sparse, RandomBlocks.Binary);
        using var kernels = IlgpuKernels.CreateCpu();
        var w = RandomBlocks.Weights(rng, d, d);

        var first = new double[d + 1];
        var loss1 = kernels.BinaryLogistic(block, w, 0.2, first);
        var uploadsAfterFirst = kernels.BlockUploads;
        var bytesAfterFirst = kernels.BytesUploaded;
        var second = new double[d + 1];
        var loss2 = kernels.BinaryLogistic(block, w, 0.2, second);

        Assert.Equal(1, uploadsAfterFirst);
        Assert.Equal(1, kernels.BlockUploads);
        // The second call moved the coefficients and the intercept up, nothing of the block.
        Assert.Equal((d + 1) * sizeof(double), kernels.BytesUploaded - bytesAfterFirst);
        Assert.True(bytesAfterFirst > block.FeatureBytes, $"first call uploaded {bytesAfterFirst} bytes, the block has {block.FeatureBytes}");
        Assert.Equal(loss1, loss2);
        Assert.Equal(first, second);
        var expected = ReferenceKernels.BinaryLogistic(block, w, 0.2);
        Close.Scalar(expected.Loss, loss2, what: "loss");
        Close.Vector(expected.Gradient, second, "gradient");

        var other = RandomBlocks.Make(rng, 5, d, sparse, RandomBlocks.Binary);
        kernels.LeastSquares(other, w, 0, new double[d + 1]);
        Assert.Equal(2, kernels.BlockUploads);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void BudgetOfZero_StreamsTheBlockEveryCallWithTheSameResults(bool sparse)
    {
        var rng = new Random(22_000 + (sparse ? 1 : 0));
        const int d = 17, rows = 33;
        var block = RandomBlocks.Make(rng, rows, d, sparse, RandomBlocks.Binary);
        var w = RandomBlocks.Weights(rng, d, d);
        using var resident = IlgpuKernels.CreateCpu();
        using var streaming = IlgpuKernels.CreateCpu(new DeviceOptions { MemoryBudget = 0 });

        var expected = new double[d + 1];
        var expectedLoss = resident.BinaryLogistic(block, w, -0.3, expected);
        for (var call = 1; call <= 3; call++)
        {
            var gradient = new double[d + 1];
            var loss = streaming.BinaryLogistic(block, w, -0.3, gradient);
            Assert.Equal(expectedLoss, loss);
            Assert.Equal(expected, gradient);
            Assert.Equal(call, streaming.BlockUploads);
        }

        Assert.Equal((0, 0L), streaming.ResidentBlocks);
        Assert.Equal(1, resident.ResidentBlocks.Blocks);
        Assert.True(resident.ResidentBlocks.Bytes >= block.FeatureBytes);
    }

    [Fact]
    public void RepeatedCalls_ReuseTheScratchBuffers()
    {
        var rng = new Random(23_000);
        const int d = 9;
        var blocks = Enumerable.Range(0, 3).Select(i => RandomBlocks.Make(rng, 20 + i, d, sparse: i == 1, RandomBlocks.Binary)).ToArray();
        var w = RandomBlocks.Weights(rng, d, d);
        using var kernels = IlgpuKernels.CreateCpu();
        foreach (var block in blocks)
            kernels.BinaryLogistic(block, w, 0, new double[d + 1]);
        var allocations = kernels.ScratchAllocations;

        for (var pass = 0; pass < 3; pass++)
        {
            foreach (var block in blocks)
                kernels.BinaryLogistic(block, w, 0, new double[d + 1]);
        }

        Assert.True(allocations > 0);
        Assert.Equal(allocations, kernels.ScratchAllocations);
    }

    [Fact]
    public void AfterDispose_CallsThrowObjectDisposed()
    {
        var kernels = IlgpuKernels.CreateCpu();
        var block = RandomBlocks.Make(new Random(21_000), 4, 3, sparse: false, RandomBlocks.Binary);
        kernels.Margins(block, new double[3], [0], new double[4]);
        kernels.Dispose();
        kernels.Dispose();

        Assert.Throws<ObjectDisposedException>(() => kernels.Margins(block, new double[3], [0], new double[4]));
    }
}

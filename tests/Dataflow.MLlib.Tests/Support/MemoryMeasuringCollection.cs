namespace Dataflow.MLlib.Tests.Support;

/// <summary>Tests that measure the managed heap run alone: other tests' allocations would count against them.</summary>
[CollectionDefinition(nameof(MemoryMeasuringCollection), DisableParallelization = true)]
public sealed class MemoryMeasuringCollection;

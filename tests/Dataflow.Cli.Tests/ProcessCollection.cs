namespace Dataflow.Cli.Tests;

/// <summary>Tests that start real worker processes run one at a time.</summary>
[CollectionDefinition("processes", DisableParallelization = true)]
public sealed class ProcessCollection;

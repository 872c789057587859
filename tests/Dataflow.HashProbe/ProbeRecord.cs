namespace Dataflow.HashProbe;

/// <summary>A type with no direct hasher, so it goes through the MessagePack fallback.</summary>
public sealed record ProbeRecord(string Name, int Count, double[] Weights);

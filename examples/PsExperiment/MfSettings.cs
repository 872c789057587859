namespace Dataflow.Examples.PsExperiment;

/// <summary>The matrix-factorisation problem of <c>--algorithm mf</c>: generated ratings of this shape, or a file's.</summary>
/// <param name="Users">Users (generated data).</param>
/// <param name="Items">Items (generated data).</param>
/// <param name="Rank">The factors' rank (and the generated data's true rank).</param>
/// <param name="Ratings">Ratings (generated data).</param>
internal sealed record MfSettings(int Users, int Items, int Rank, int Ratings);

namespace Dataflow.Examples.PsExperiment;

/// <summary>The run's settings, from the command line.</summary>
internal sealed record Settings(
    IReadOnlyList<ModeSpec> Modes,
    int Workers,
    string Data,
    int Rows,
    int Features,
    double Sparsity,
    int Clocks,
    int EvalEvery,
    long Seed,
    IReadOnlyList<StragglerSpec> Stragglers,
    double? TargetObjective,
    string Updater,
    double Step,
    double BatchFraction,
    double RegParam,
    string Out);

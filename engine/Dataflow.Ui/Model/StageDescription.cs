namespace Dataflow.Ui.Model;

/// <summary>What a stage computes: from <c>JobStart</c> (without RDDs) and <c>StageSubmitted</c>/<c>StageSkipped</c> (with).</summary>
internal sealed record StageDescription(int StageId, string Name, int NumTasks, int? ShuffleId, IReadOnlyList<int> ParentStageIds)
{
    /// <summary>The RDDs the stage pipelines, parents first; empty until a record with them arrived.</summary>
    public IReadOnlyList<RddDescription> Rdds { get; init; } = [];
}

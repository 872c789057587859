namespace Dataflow.Ui.Pages;

/// <summary>One row of the history server's application list.</summary>
internal sealed record ApplicationSummary(string Id, string Name, DateTimeOffset? StartTime, DateTimeOffset? EndTime,
    DateTimeOffset LastUpdated, string User, bool Completed);

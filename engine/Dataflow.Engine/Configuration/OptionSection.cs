namespace Dataflow.Configuration;

/// <summary>Where the keys of one section live: its name and how to reach its object inside the options.</summary>
/// <param name="Name">The section name, e.g. <c>Scheduler</c> or a library's <c>ML</c>.</param>
/// <param name="Get">Reads the section object out of a <see cref="DataflowOptions"/>.</param>
internal sealed record OptionSection(string Name, Func<DataflowOptions, object?> Get);

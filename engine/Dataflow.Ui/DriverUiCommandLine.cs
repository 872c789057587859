using Dataflow.CommandLine;

namespace Dataflow.Ui;

/// <summary>The driver UI's command-line options for programs built on the engine's <see cref="ArgumentParser"/>.</summary>
public static class DriverUiCommandLine
{
    /// <summary>
    /// Registers the <c>Dataflow:Ui</c> section and adds <c>--ui-port PORT</c>, <c>--no-ui</c> and
    /// <c>--no-progress</c> (which win over <c>--conf Dataflow:Ui:...</c>).
    /// </summary>
    /// <example><code>
    /// var ui = parser.AddDriverUiOptions();
    /// var standard = parser.AddStandardOptions();
    /// return await ProgramHost.RunAsync(parser, standard, args, async (parsed, options, token) =>
    /// {
    ///     await using var web = await ui.StartAsync(parsed, options, token);
    ///     await using var ctx = new DataflowContext(options, listeners: web.Listeners);
    ///     ...
    /// });
    /// </code></example>
    public static DriverUiFlags AddDriverUiOptions(this ArgumentParser parser)
    {
        ArgumentNullException.ThrowIfNull(parser);
        UiOptions.Register();
        return new DriverUiFlags(parser);
    }
}

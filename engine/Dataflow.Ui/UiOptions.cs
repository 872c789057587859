using Dataflow.Configuration;
using Dataflow.Ui.Model;

namespace Dataflow.Ui;

/// <summary>
/// The driver's web UI, the configuration section <c>Dataflow:Ui</c> (also <c>--ui-port</c>, <c>--no-ui</c> and
/// <c>--no-progress</c> on the command line of a program that calls
/// <see cref="DriverUiCommandLine.AddDriverUiOptions"/>). Bound like the engine's keys once <see cref="Register"/> ran.
/// </summary>
/// <remarks>Spark: spark.ui.enabled, spark.ui.port, spark.port.maxRetries, spark.ui.showConsoleProgress, spark.ui.retainedJobs</remarks>
public sealed class UiOptions
{
    /// <summary>The section name: keys are <c>Dataflow:Ui:&lt;Key&gt;</c>.</summary>
    public const string SectionName = "Ui";

    /// <summary>Whether the driver serves its web UI. Default true.</summary>
    [OptionDescription("Serve the driver's web UI and JSON API while the application runs (--no-ui: false).")]
    public bool Enabled { get; set; } = true;

    /// <summary>The address the UI listens on. Default 127.0.0.1 (this machine only).</summary>
    [OptionDescription("Address the web UI listens on; 0.0.0.0 for every interface.")]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The first port tried; 0 lets the system choose a free one. Default 4040.</summary>
    [OptionDescription("First port the web UI tries (--ui-port); the next free one is taken when it is busy; 0: any free port.")]
    public int Port { get; set; } = 4040;

    /// <summary>How many ports after <see cref="Port"/> are tried when it is taken. Default 16.</summary>
    [OptionDescription("How many ports after Dataflow:Ui:Port are tried when it is taken.")]
    public int MaxPortRetries { get; set; } = 16;

    /// <summary>Whether an interactive terminal shows a progress line per running stage on stderr. Default true.</summary>
    [OptionDescription("Show a live progress line per running stage on stderr when it is a terminal (--no-progress: false).")]
    public bool ConsoleProgress { get; set; } = true;

    /// <summary>How many finished jobs the UI keeps (with their stages and tasks); older ones are dropped. Default 1,000.</summary>
    [OptionDescription("Finished jobs the driver's web UI keeps, with their stages and tasks; the oldest are dropped first (the history server keeps 1000).")]
    public int RetainedJobs { get; set; } = AppModel.DefaultRetainedJobs;

    /// <summary>Registers the <c>Dataflow:Ui</c> section with the engine's options registry; calling it again does nothing.</summary>
    public static void Register() => OptionsRegistry.RegisterSection(SectionName, new UiOptionsValidator());
}

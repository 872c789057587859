using Dataflow.Ui.Model;

namespace Dataflow.Ui.Hosting;

/// <summary>The applications a UI server shows: the one live application of a driver, or the event logs of a directory.</summary>
internal interface IAppSource
{
    /// <summary>Every application, newest first.</summary>
    IReadOnlyList<AppModel> Applications();

    /// <summary>The application with this id, or null.</summary>
    AppModel? Find(string applicationId);

    /// <summary>The path the HTML pages of <paramref name="app"/> live under: empty for a driver, <c>/history/&lt;id&gt;</c> for history.</summary>
    string PagePrefix(AppModel app);
}

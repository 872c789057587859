using Dataflow.Ui.Model;

namespace Dataflow.Ui.Hosting;

/// <summary>The one application of a driver, as its live feed builds it.</summary>
internal sealed class LiveAppSource(AppModel app) : IAppSource
{
    public IReadOnlyList<AppModel> Applications() => app.Read(a => a.Id.Length > 0) ? [app] : [];

    public AppModel? Find(string applicationId) => app.Read(a => a.Id == applicationId) ? app : null;

    public string PagePrefix(AppModel app) => "";
}

using Dataflow.Ui.Hosting;
using Dataflow.Ui.Model;

namespace Dataflow.Ui.History;

/// <summary>
/// The applications of an event-log directory: every <c>*.jsonl</c> and <c>*.jsonl.inprogress</c> file, read again
/// when its size or time changed (so a running application's page follows it). A file that cannot be read is
/// reported once through <paramref name="warn"/> and left out.
/// </summary>
internal sealed class HistoryAppSource(string directory, Action<string> warn) : IAppSource
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Length, DateTime Written, AppModel? Model)> _files = [];

    public IReadOnlyList<AppModel> Applications()
    {
        lock (_lock)
        {
            var present = Directory.EnumerateFiles(directory)
                .Where(f => f.EndsWith(".jsonl", StringComparison.Ordinal) || f.EndsWith(".jsonl.inprogress", StringComparison.Ordinal))
                .ToHashSet();
            foreach (var gone in _files.Keys.Where(f => !present.Contains(f)).ToList())
            {
                _files.Remove(gone);
            }

            foreach (var file in present)
            {
                var info = new FileInfo(file);
                if (_files.TryGetValue(file, out var known) && known.Length == info.Length && known.Written == info.LastWriteTimeUtc)
                {
                    continue;
                }

                AppModel? model = null;
                try
                {
                    model = EventLogFile.Read(file);
                }
                catch (Exception e) when (e is FormatException or IOException)
                {
                    warn(e.Message);
                }

                _files[file] = (info.Length, info.LastWriteTimeUtc, model);
            }

            // A finished log and a stale in-progress file of the same application: the finished one wins.
            return _files.Values.Select(f => f.Model).OfType<AppModel>().Where(m => m.Id.Length > 0)
                .GroupBy(m => m.Id).Select(g => g.OrderByDescending(m => m.Completed).First())
                .OrderByDescending(m => m.StartTime).ToList();
        }
    }

    public AppModel? Find(string applicationId) => Applications().FirstOrDefault(a => a.Id == applicationId);

    public string PagePrefix(AppModel app) => "/history/" + Uri.EscapeDataString(app.Id);
}

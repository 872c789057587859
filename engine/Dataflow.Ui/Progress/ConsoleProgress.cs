using System.Globalization;
using System.Text;
using Dataflow.Scheduling;
using Spectre.Console;

namespace Dataflow.Ui.Progress;

/// <summary>
/// A live line per running stage on the console, <c>[Stage 3: ====>     (12 + 2) / 40]</c> (succeeded + running of
/// all tasks), redrawn a few times a second through Spectre.Console's live display; a stage's line goes when it
/// ends. Only for a terminal: <see cref="CreateForStandardError"/> gives none when standard error is redirected.
/// </summary>
/// <remarks>Spark: ConsoleProgressBar</remarks>
internal sealed class ConsoleProgress : IDataflowListener, IAsyncDisposable
{
    /// <summary>Characters between <c>Stage N: </c> and the counts.</summary>
    public const int BarWidth = 30;

    private readonly Lock _lock = new();
    private readonly SortedDictionary<(int Stage, int Attempt), StageProgress> _running = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Task _display;

    /// <param name="console">Where the lines go (standard error, or a test console).</param>
    /// <param name="interval">How often the lines are redrawn.</param>
    public ConsoleProgress(IAnsiConsole console, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(console);
        _display = console.Live(new Text("")).AutoClear(true).StartAsync(async live =>
        {
            while (!_stop.IsCancellationRequested)
            {
                live.UpdateTarget(new Text(Render()));
                live.Refresh();
                try
                {
                    // A stage that ended is taken off at once, so that results printed next do not share its line.
                    await _wake.WaitAsync(interval, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: draw the last state once more so that it is seen, then the display clears.
                    live.UpdateTarget(new Text(Render()));
                    live.Refresh();
                }
            }
        });
    }

    /// <summary>A progress display on standard error, or null when standard error is not a terminal.</summary>
    public static ConsoleProgress? CreateForStandardError()
    {
        if (Console.IsErrorRedirected)
        {
            return null;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            Interactive = InteractionSupport.Yes,
        });
        return new ConsoleProgress(console, TimeSpan.FromMilliseconds(200));
    }

    /// <inheritdoc />
    public void OnEvent(DataflowEvent e)
    {
        lock (_lock)
        {
            switch (e)
            {
                case StageSubmittedEvent submitted:
                    _running[(submitted.Stage.StageId, submitted.Stage.Attempt)] = new StageProgress(submitted.Stage.NumTasks);
                    break;
                case StageCompletedEvent completed:
                    _running.Remove((completed.Stage.StageId, completed.Stage.Attempt));
                    if (_wake.CurrentCount == 0)
                    {
                        _wake.Release();
                    }

                    break;
                case TaskStartEvent start when _running.TryGetValue((start.Task.StageId, start.Task.StageAttempt), out var stage):
                    stage.Running++;
                    break;
                case TaskEndEvent end when _running.TryGetValue((end.Task.StageId, end.Task.StageAttempt), out var stage):
                    stage.Running = Math.Max(0, stage.Running - 1);
                    if (end.Succeeded)
                    {
                        stage.Succeeded++;
                    }

                    break;
            }
        }
    }

    /// <summary>The lines as they would be drawn now, one per running stage in stage order; empty when none runs.</summary>
    public string Render()
    {
        lock (_lock)
        {
            var text = new StringBuilder();
            foreach (var ((stageId, _), stage) in _running)
            {
                if (text.Length > 0)
                {
                    text.Append('\n');
                }

                text.Append(Line(stageId, stage.Succeeded, stage.Running, stage.Total));
            }

            return text.ToString();
        }
    }

    /// <summary>One stage's line: <c>[Stage 3: ====>   (12 + 2) / 40]</c> with a bar of <see cref="BarWidth"/> characters.</summary>
    public static string Line(int stageId, int succeeded, int running, int total)
    {
        var filled = total == 0 ? BarWidth : (int)((long)Math.Min(succeeded, total) * BarWidth / total);
        var bar = filled >= BarWidth ? new string('=', BarWidth) : new string('=', filled) + ">" + new string(' ', BarWidth - filled - 1);
        return string.Create(CultureInfo.InvariantCulture, $"[Stage {stageId}: {bar} ({succeeded} + {running}) / {total}]");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _display.ConfigureAwait(false);
        _stop.Dispose();
        _wake.Dispose();
    }

    private sealed class StageProgress(int total)
    {
        public int Total { get; } = total;

        public int Succeeded { get; set; }

        public int Running { get; set; }
    }
}

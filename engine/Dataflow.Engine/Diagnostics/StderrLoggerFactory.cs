using Microsoft.Extensions.Logging;

namespace Dataflow.Diagnostics;

/// <summary>
/// The logger factory of command-line programs: every message at <see cref="MinimumLevel"/> or above becomes one line
/// on the writer (standard error), <c>&lt;program&gt;: &lt;level&gt;: &lt;message&gt;</c>, with an exception's type and
/// message appended on the same line. Written synchronously, so log lines and the program's own error line keep
/// their order. Other libraries' messages (Orleans, Microsoft, Polly: categories outside <c>Dataflow</c>) are written
/// only when the level is below warning, so that by default a user sees the engine's own warnings, not a client's
/// retries that the engine reports in its own words.
/// </summary>
internal sealed class StderrLoggerFactory : ILoggerFactory
{
    private readonly string _programName;
    private readonly TextWriter _writer;
    private readonly Lock _lock = new();

    public StderrLoggerFactory(string programName, LogLevel minimumLevel, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _programName = programName;
        MinimumLevel = minimumLevel;
        _writer = writer;
    }

    /// <summary>The least severe level written.</summary>
    public LogLevel MinimumLevel { get; }

    public ILogger CreateLogger(string categoryName) =>
        new Logger(this, categoryName.StartsWith("Dataflow", StringComparison.Ordinal) || MinimumLevel < LogLevel.Warning);

    /// <summary>Other providers are not supported: this factory writes one stream.</summary>
    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _writer.Flush();
        }
    }

    internal static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "critical",
    };

    private void Write(LogLevel level, string message, Exception? exception)
    {
        var line = $"{_programName}: {LevelName(level)}: {message}";
        if (exception is not null && !message.Contains(exception.Message, StringComparison.Ordinal))
        {
            line += $" ({exception.GetType().Name}: {exception.Message})";
        }

        // One message, one line, whatever the message holds.
        line = line.ReplaceLineEndings(" ");
        lock (_lock)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    private sealed class Logger(StderrLoggerFactory owner, bool enabled) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => enabled && logLevel != LogLevel.None && logLevel >= owner.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(logLevel, formatter(state, exception), exception);
            }
        }
    }
}

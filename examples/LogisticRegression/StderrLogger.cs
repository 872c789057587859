using Microsoft.Extensions.Logging;

namespace Dataflow.Examples.LogisticRegression;

/// <summary>Writes warnings and errors (and, at <see cref="LogLevel.Information"/>, progress) to standard error, one line each.</summary>
internal sealed class StderrLogger(string program, LogLevel minimum) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            var level = logLevel >= LogLevel.Warning ? $"{logLevel.ToString().ToLowerInvariant()}: " : "";
            Console.Error.WriteLine($"{program}: {level}{formatter(state, exception)}");
        }
    }
}

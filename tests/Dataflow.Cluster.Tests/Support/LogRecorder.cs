using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Dataflow.Cluster.Tests.Support;

/// <summary>Keeps every message logged through it (the silos of an in-process cluster add it to their logging).</summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => [.. _messages];

    public ILogger CreateLogger(string categoryName) => new Recorder(this);

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._messages.Enqueue(formatter(state, exception));
            }
        }
    }
}

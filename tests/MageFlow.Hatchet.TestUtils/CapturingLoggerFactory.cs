using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>One log entry a test captured.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string? EventName, string Message, Exception? Exception = null);

/// <summary>Keeps every log entry, to assert what the SDK logged (and that no secret was).</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    /// <summary>Gets every entry so far, oldest first.</summary>
    public IReadOnlyCollection<CapturedLog> Entries => _entries.ToArray();

    /// <summary>Gets the entries of one event (the <c>EventName</c> of a <c>LoggerMessage</c>).</summary>
    public IReadOnlyList<CapturedLog> Named(string eventName) => [.. _entries.Where(e => e.EventName == eventName)];

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    /// <inheritdoc/>
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new CapturedLog(category, logLevel, eventId.Name, formatter(state, exception), exception));
    }
}

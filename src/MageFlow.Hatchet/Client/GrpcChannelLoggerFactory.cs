using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Client;

/// <summary>
/// The logger factory handed to the gRPC channel. gRPC logs every call that ends with a non-OK status as "Call failed",
/// including the long-lived streams (<c>ListenV2</c>, <c>SubscribeToWorkflowRuns</c>) that the SDK itself cancels when
/// a worker or client stops. Those cancellations are how a normal shutdown works, so they are lowered to Debug; every
/// other gRPC entry passes through unchanged, and a call cancelled by the server still shows.
/// </summary>
internal sealed class GrpcChannelLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Logger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    // The application owns the inner factory; disposing the channel must not dispose it.
    public void Dispose()
    {
    }

    private static bool IsOwnCancellation(EventId eventId, Exception? exception, object? state) =>
        eventId.Name == "GrpcStatusError" &&
        exception is OperationCanceledException &&
        state is IReadOnlyList<KeyValuePair<string, object?>> values &&
        values.Any(v => v.Key == "StatusCode" && v.Value is StatusCode.Cancelled);

    private sealed class Logger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel > LogLevel.Debug && IsOwnCancellation(eventId, exception, state))
            {
                logLevel = LogLevel.Debug;
                if (!inner.IsEnabled(logLevel))
                {
                    return;
                }
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}

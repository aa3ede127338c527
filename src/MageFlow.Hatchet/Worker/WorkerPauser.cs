using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Internal;
using MageFlow.Hatchet.Rest;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Worker;

/// <summary>Pauses a worker through Hatchet's REST API before it stops, so the engine assigns it nothing more.</summary>
internal static class WorkerPauser
{
    public static async Task PauseAsync(HatchetRestClient rest, string workerId, ILogger log, CancellationToken cancellationToken)
    {
        if (!rest.IsConfigured)
        {
            return;
        }

        // Shutdown must not wait on an engine that does not answer: one attempt, five seconds at most.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            using var answer = await rest.SendAsync(HttpMethod.Patch, $"/api/v1/workers/{workerId}", "{\"isPaused\":true}", timeout.Token, idempotent: false).ConfigureAwait(false);
        }
        catch (HatchetApiException e)
        {
            HatchetLog.PauseFailed(log, workerId, $"HTTP {(int)e.StatusCode}", null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
        {
            // The exception carries the detail; the reason stays a short, stable word for log queries.
            HatchetLog.PauseFailed(log, workerId, e is OperationCanceledException ? "timed out" : "request failed", e);
        }
    }
}

using System.Net.Http.Headers;
using System.Text;
using MageFlow.Hatchet.Internal;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Worker;

/// <summary>Pauses a worker through Hatchet's REST API before it stops, so the engine assigns it nothing more.</summary>
internal static class WorkerPauser
{
    public static async Task PauseAsync(string? serverUrl, string token, string workerId, ILogger log, CancellationToken cancellationToken)
    {
        if (serverUrl is null)
        {
            return;
        }

        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var request = new HttpRequestMessage(HttpMethod.Patch, $"{serverUrl}/api/v1/workers/{workerId}")
            {
                Content = new StringContent("{\"isPaused\":true}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                HatchetLog.PauseFailed(log, workerId, $"HTTP {(int)response.StatusCode}", null);
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            // The exception carries the detail; the reason stays a short, stable word for log queries.
            HatchetLog.PauseFailed(log, workerId, e is OperationCanceledException ? "timed out" : "request failed", e);
        }
    }
}

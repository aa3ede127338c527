using System.Text.Json;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Internal;
using MageFlow.Hatchet.Rest;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Runs;

/// <summary>
/// Reads a finished run's outputs and errors from the REST API (<c>GET /api/v1/stable/workflow-runs/{id}</c>). The
/// engine leaves a run's results out of its finished event when they are over about 3 MB (and for tasks that failed
/// before any worker ran them); the official TypeScript SDK reads the REST run shape then, and so does this one. A
/// read that cannot succeed gives an outcome that says so, never an empty result.
/// </summary>
internal sealed class RunResultFallback(HatchetRestClient rest, TimeProvider time, ILogger log)
{
    /// <summary>
    /// The engine writes task statuses and outputs to its OLAP tables after it has sent the run event, so the details
    /// can trail the event for a moment: a task not yet final, or a transient error, is read again after these pauses.
    /// </summary>
    private static readonly TimeSpan[] Pauses =
        [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];

    public async Task<RunOutcome> ReadAsync(string runId, CancellationToken cancellationToken)
    {
        if (!rest.IsConfigured)
        {
            return Unavailable(runId, "the run event carried no results (the engine leaves out results over about 3 MB), and no REST server URL is known to read them from: set HATCHET_CLIENT_SERVER_URL", null);
        }

        var path = "/api/v1/stable/workflow-runs/" + Uri.EscapeDataString(runId);
        string reason;
        Exception? error = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var details = await rest.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
                if (RunDetailsJson.TryRead(runId, details.RootElement, out var outcome, out reason, out var final))
                {
                    HatchetLog.RunResultReadFromRest(log, runId);
                    return outcome;
                }

                if (final)
                {
                    return Unavailable(runId, reason, null);
                }
            }
            catch (HatchetApiException e) when (!e.IsTransient)
            {
                return Unavailable(runId, e.Message, e);
            }
            catch (Exception e) when (e is HatchetApiException or HttpRequestException or JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                (reason, error) = (e.Message, e);
            }

            if (attempt == Pauses.Length)
            {
                return Unavailable(runId, $"{reason} (read {attempt + 1} times)", error);
            }

            await Task.Delay(Pauses[attempt], time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static RunOutcome Unavailable(string runId, string reason, Exception? error) =>
        new(runId, new RunResultUnavailableException(runId, reason, error));
}

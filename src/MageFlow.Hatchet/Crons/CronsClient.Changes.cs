using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Rest;

namespace MageFlow.Hatchet.Crons;

/// <summary>Enabling, disabling and trigger-now of cron triggers (Hatchet's cron update and trigger endpoints).</summary>
public sealed partial class CronsClient
{
    /// <summary>Enables or disables a cron trigger. A re-enabled cron next fires at its first time after now.</summary>
    /// <param name="cronId">The cron's id.</param>
    /// <param name="enabled">Whether it fires.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine has stored the change.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown cron).</exception>
    public Task SetEnabledAsync(string cronId, bool enabled, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(cronId);

        // Setting the flag to a value is idempotent, so a transient failure is retried.
        return _rest.SendWithoutAnswerAsync(HttpMethod.Patch, ItemPath(cronId), enabled ? "{\"enabled\":true}" : "{\"enabled\":false}", cancellationToken, idempotent: true);
    }

    /// <summary>Starts a run of a cron trigger now, with its input and metadata, without changing its schedule.</summary>
    /// <param name="cronId">The cron's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The id of the run started.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown cron).</exception>
    public async Task<string> TriggerNowAsync(string cronId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(cronId);

        // Not retried: a repeated trigger could start a second run.
        using var answer = await _rest.SendAsync(HttpMethod.Post, ItemPath(cronId), null, cancellationToken).ConfigureAwait(false);
        return answer.RootElement.Text("externalId");
    }

    private string ItemPath(string cronId) => $"/api/v1/tenants/{_tenantId}/workflows/crons/{Uri.EscapeDataString(cronId)}";
}

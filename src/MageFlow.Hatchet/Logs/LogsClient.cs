using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Rest;

namespace MageFlow.Hatchet.Logs;

/// <summary>Reads the lines tasks wrote with <see cref="Tasks.TaskContext"/>'s log, over the engine's REST API.</summary>
public sealed class LogsClient
{
    private readonly HatchetRestClient _rest;

    internal LogsClient(HatchetRestClient rest) => _rest = rest;

    /// <summary>Lists a task run's log lines.</summary>
    /// <param name="taskRunId">The task run id (for a one-task workflow, the run id).</param>
    /// <param name="query">Filters; <see langword="null"/> for the newest 50.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lines.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown task run).</exception>
    public async Task<IReadOnlyList<LogLine>> ListAsync(string taskRunId, ListLogsQuery? query = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskRunId);
        var path = new RestQuery()
            .Add("limit", query?.Limit)
            .Add("since", query?.Since)
            .Add("until", query?.Until)
            .Add("search", query?.Search)
            .AddEach("levels", query?.Levels)
            .Add("order_by_direction", query?.OldestFirst == true ? "ASC" : null)
            .Add("attempt", query?.Attempt)
            .Apply($"/api/v1/stable/tasks/{Uri.EscapeDataString(taskRunId)}/logs");
        using var answer = await _rest.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return [.. answer.RootElement.Rows().Select(e => new LogLine(e.Time("createdAt") ?? default, e.Text("message"), e.TextOrNull("level"), e.Int("attempt")))];
    }
}

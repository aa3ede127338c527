using System.Globalization;
using MageFlow.Hatchet.Orchestration.Exceptions;
using MageFlow.Hatchet.Orchestration.Inspection;
using MageFlow.Hatchet.Orchestration.Signatures;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MageFlow.Hatchet.Orchestration.Viewer.Internal;

/// <summary>The handlers of the viewer's JSON API: read the flows through <see cref="FlowInspector"/>, act through
/// the signatures' own lifecycle calls.</summary>
internal sealed class ViewerApi(MageFlowViewerOptions options)
{
    public object Config() => new
    {
        actionsEnabled = options.EnableActions,
        hatchetUiUrl = options.HatchetUiUrl?.ToString().TrimEnd('/'),
        pollMs = (int)options.PollInterval.TotalMilliseconds,
        pageSize = options.ChildrenPageSize,
    };

    public async Task<IResult> ListAsync(HttpContext http)
    {
        var q = http.Request.Query;
        var statuses = new List<SignatureStatus>();
        foreach (var value in q["status"].SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Enum.TryParse<SignatureStatus>(value, ignoreCase: true, out var status) || int.TryParse(value, out _))
            {
                return Error(400, $"unknown status '{value}': use pending, active, suspended, interrupted, done, failed or canceled");
            }

            statuses.Add(status);
        }

        if (!TryInt(q["offset"], 0, 0, int.MaxValue, out var offset) || !TryInt(q["limit"], 50, 1, FlowListQuery.MaxLimit, out var limit))
        {
            return Error(400, $"offset must be a whole number of 0 or more, and limit one from 1 to {FlowListQuery.MaxLimit}");
        }

        var page = await Inspector(http).ListFlowsAsync(new FlowListQuery { Statuses = statuses, NameContains = q["name"].ToString(), Offset = offset, Limit = limit }, http.RequestAborted).ConfigureAwait(false);
        return Results.Json(page, ViewerJson.Options);
    }

    public async Task<IResult> NodeAsync(HttpContext http, string id)
    {
        var q = http.Request.Query;
        if (!TryInt(q["offset"], 0, 0, int.MaxValue, out var offset) || !TryInt(q["limit"], options.ChildrenPageSize, 0, 1000, out var limit))
        {
            return Error(400, "offset must be a whole number of 0 or more, and limit one from 0 to 1000");
        }

        var mageFlow = MageFlow(http);
        var node = await mageFlow.Inspector.GetNodeAsync(id, offset, limit, http.RequestAborted).ConfigureAwait(false);
        if (node is null)
        {
            return Error(404, $"no signature '{id}': never created, or expired");
        }

        var runUrl = node.Summary.RunId is { } run && options.HatchetUiUrl is { } ui ? $"{ui.ToString().TrimEnd('/')}/runs/{Uri.EscapeDataString(run)}" : null;

        // The detail panel asks the engine for the run's task attempts (?engine=true); a tree's polls never do.
        var engine = q["engine"] == "true" && node.Summary.RunId is { } runId ? await EngineRunAsync(mageFlow, runId, http.RequestAborted).ConfigureAwait(false) : null;
        return Results.Json(new { node, runUrl, engine }, ViewerJson.Options);
    }

    public async Task<IResult> ActAsync(HttpContext http, string id, string action)
    {
        if (!Enum.TryParse<ViewerAction>(action, ignoreCase: true, out var what) || int.TryParse(action, out _))
        {
            return Error(404, $"unknown action '{action}': use suspend, interrupt, resume, cancel or retry");
        }

        if (!options.EnableActions)
        {
            return Error(403, "actions are disabled: the viewer is read-only (MageFlowViewerOptions.EnableActions)");
        }

        if (!await AuthorizedAsync(http, what, id).ConfigureAwait(false))
        {
            return Error(403, $"not allowed to {action} '{id}'");
        }

        var signature = await Inspector(http).GetSignatureAsync(id, http.RequestAborted).ConfigureAwait(false);
        if (signature is null)
        {
            return Error(404, $"no signature '{id}': never created, or expired");
        }

        try
        {
            await (what switch
            {
                ViewerAction.Suspend => signature.SuspendAsync(http.RequestAborted),
                ViewerAction.Interrupt => signature.InterruptAsync(http.RequestAborted),
                ViewerAction.Resume => signature.ResumeAsync(http.RequestAborted),
                ViewerAction.Cancel => signature.CancelAsync(http.RequestAborted),
                _ => signature.RetryAsync(http.RequestAborted),
            }).ConfigureAwait(false);
        }
        catch (MageFlowStateException e)
        {
            return Error(e.Reason == "missing" ? 404 : 409, e.Message);
        }

        return Results.NoContent();
    }

    private async Task<bool> AuthorizedAsync(HttpContext http, ViewerAction action, string id)
    {
        if (options.ActionsPolicy is { } policy)
        {
            var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
            if (!(await authorization.AuthorizeAsync(http.User, policy).ConfigureAwait(false)).Succeeded)
            {
                return false;
            }
        }

        return options.AuthorizeAction is not { } decide || await decide(http, action, id).ConfigureAwait(false);
    }

    private FlowInspector Inspector(HttpContext http) => MageFlow(http).Inspector;

    private MageFlowClient MageFlow(HttpContext http) =>
        options.MageFlow?.Invoke(http.RequestServices) ?? http.RequestServices.GetRequiredService<MageFlowClient>();

    private static async Task<object> EngineRunAsync(MageFlowClient mageFlow, string runId, CancellationToken cancellationToken)
    {
        try
        {
            var run = await mageFlow.Client.Runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
            return new
            {
                status = run.Status,
                tasks = run.Tasks.Select(t => new { t.TaskExternalId, t.TaskName, t.Status, t.RetryCount, t.StartedAt, t.FinishedAt }),
            };
        }
        catch (Hatchet.Exceptions.HatchetApiException e)
        {
            // The panel still shows MageFlow's side; the engine's answer says why it has no run details.
            return new { error = e.Message };
        }
    }

    private static IResult Error(int status, string message) =>
        Results.Json(new { error = message }, ViewerJson.Options, statusCode: status);

    private static bool TryInt(Microsoft.Extensions.Primitives.StringValues raw, int fallback, int min, int max, out int value)
    {
        value = fallback;
        if (raw.Count == 0 || string.IsNullOrEmpty(raw.ToString()))
        {
            return true;
        }

        return int.TryParse(raw.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}

using Microsoft.AspNetCore.Http;

namespace MageFlow.Hatchet.Orchestration.Viewer;

/// <summary>How <see cref="MageFlowViewerEndpointRouteBuilderExtensions.MapMageflowViewer"/> serves the viewer.</summary>
public sealed class MageFlowViewerOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether the page offers actions (suspend, interrupt, resume, cancel, retry). Off
    /// by default: the viewer is read-only. Turning it on needs <see cref="ActionsPolicy"/> or <see cref="AuthorizeAction"/>.
    /// </summary>
    public bool EnableActions { get; set; }

    /// <summary>Gets or sets the authorization policy a caller must satisfy to act (ASP.NET Core authorization).</summary>
    public string? ActionsPolicy { get; set; }

    /// <summary>
    /// Gets or sets a delegate that decides whether a request may carry out an action on a node (by signature id). It runs
    /// after <see cref="ActionsPolicy"/>, when both are set. <c>(_, _, _) =&gt; ValueTask.FromResult(true)</c> allows every
    /// caller, which suits a viewer bound to loopback on a developer's machine.
    /// </summary>
    public Func<HttpContext, ViewerAction, string, ValueTask<bool>>? AuthorizeAction { get; set; }

    /// <summary>
    /// Gets or sets the base address of a Hatchet UI (for example <c>https://cloud.onhatchet.run</c>): the detail panel
    /// then links a task's engine run to <c>{HatchetUiUrl}/runs/{runId}</c>.
    /// </summary>
    public Uri? HatchetUiUrl { get; set; }

    /// <summary>Gets or sets how often the page polls for changes. One second by default.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many children the page shows per page of a container (at most 1,000). 100 by default.</summary>
    public int ChildrenPageSize { get; set; } = 100;

    /// <summary>
    /// Gets or sets where the endpoints get their <see cref="MageFlowClient"/>. By default, from the request's services
    /// (registered by <c>AddMageFlow</c>).
    /// </summary>
    public Func<IServiceProvider, MageFlowClient>? MageFlow { get; set; }

    internal void Validate()
    {
        if (EnableActions && ActionsPolicy is null && AuthorizeAction is null)
        {
            throw new InvalidOperationException(
                "The MageFlow viewer's actions need an authorization hook: set ActionsPolicy (a policy name) or AuthorizeAction " +
                "(a delegate; (_, _, _) => ValueTask.FromResult(true) allows everyone, for a viewer on loopback only).");
        }

        if (PollInterval < TimeSpan.FromMilliseconds(100))
        {
            throw new InvalidOperationException($"PollInterval must be at least 100 ms, was {PollInterval.TotalMilliseconds} ms.");
        }

        if (ChildrenPageSize is < 1 or > 1000)
        {
            throw new InvalidOperationException($"ChildrenPageSize must be between 1 and 1000, was {ChildrenPageSize}.");
        }
    }
}

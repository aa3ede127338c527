using System.ComponentModel;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Orchestration.Inspection;
using MageFlow.Hatchet.Orchestration.Signatures;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace MageFlow.Hatchet.Orchestration.Mcp;

/// <summary>
/// What an agent may read about MageFlow's flows: the same read model the viewer shows (<see cref="FlowInspector"/>),
/// and a task's log lines through the engine. Every tool only reads.
/// </summary>
[McpServerToolType]
public sealed class MageFlowReadTools(MageFlowClient mageFlow)
{
    /// <summary>Lists recent top-level flows, newest first.</summary>
    /// <param name="status">Only flows with this status (pending, active, suspended, interrupted, done, failed, canceled).</param>
    /// <param name="name">Only flows whose name contains this text.</param>
    /// <param name="offset">Flows to skip.</param>
    /// <param name="limit">Flows to return (1 to 500).</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The page as JSON.</returns>
    [McpServerTool(Name = "list_flows", ReadOnly = true, Idempotent = true)]
    [Description("Lists recent MageFlow flows (root tasks, swarms, chains, single tasks), newest first, with status and children counts.")]
    public async Task<string> ListFlowsAsync(
        [Description("Only this status: pending, active, suspended, interrupted, done, failed or canceled")] string? status = null,
        [Description("Only names containing this text (ignoring case)")] string? name = null,
        [Description("How many matching flows to skip")] int offset = 0,
        [Description("How many flows to return, 1 to 500")] int limit = 20,
        CancellationToken cancellationToken = default)
    {
        var statuses = new List<SignatureStatus>();
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<SignatureStatus>(status.Trim(), ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                throw new McpException($"unknown status '{status}': use pending, active, suspended, interrupted, done, failed or canceled");
            }

            statuses.Add(parsed);
        }

        if (offset < 0 || limit is < 1 or > FlowListQuery.MaxLimit)
        {
            throw new McpException($"offset must be 0 or more and limit from 1 to {FlowListQuery.MaxLimit}");
        }

        var page = await mageFlow.Inspector.ListFlowsAsync(new FlowListQuery { Statuses = statuses, NameContains = name, Offset = offset, Limit = limit }, cancellationToken).ConfigureAwait(false);
        return McpJson.Write(page);
    }

    /// <summary>Reads a flow's tree: the node, its callbacks, and its children down to a depth.</summary>
    /// <param name="id">The flow's (or any node's) signature id.</param>
    /// <param name="depth">How many levels of children to include (0 to 5).</param>
    /// <param name="childrenPerNode">How many children per container (1 to 200).</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The tree as JSON.</returns>
    [McpServerTool(Name = "get_flow_tree", ReadOnly = true, Idempotent = true)]
    [Description("Reads a MageFlow flow as a tree: each node's kind, name, status, timing and children counts, its success and error callbacks, and its children down to the given depth.")]
    public async Task<string> GetFlowTreeAsync(
        [Description("The flow's signature id (from list_flows), or any node's")] string id,
        [Description("Levels of children to include, 0 to 5")] int depth = 2,
        [Description("Children per container, 1 to 200")] int childrenPerNode = 50,
        CancellationToken cancellationToken = default)
    {
        if (depth is < 0 or > 5 || childrenPerNode is < 1 or > 200)
        {
            throw new McpException("depth must be 0 to 5 and childrenPerNode 1 to 200");
        }

        return McpJson.Write(await TreeAsync(id, depth, childrenPerNode, cancellationToken).ConfigureAwait(false) ?? throw Missing(id));
    }

    /// <summary>Reads one signature with its input, result or error.</summary>
    /// <param name="id">The signature id.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The node as JSON.</returns>
    [McpServerTool(Name = "get_signature", ReadOnly = true, Idempotent = true)]
    [Description("Reads one MageFlow signature (task, chain, swarm or root): status, engine run id, container, input, result or error (long values are cut), callbacks and timing.")]
    public async Task<string> GetSignatureAsync([Description("The signature id")] string id, CancellationToken cancellationToken = default) =>
        McpJson.Write(await mageFlow.Inspector.GetNodeAsync(id, 0, 0, cancellationToken).ConfigureAwait(false) ?? throw Missing(id));

    /// <summary>Lists the task names MageFlow may sign by name.</summary>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>Name → where it runs (<c>dotnet</c> or <c>external</c>), as JSON.</returns>
    [McpServerTool(Name = "list_registry", ReadOnly = true, Idempotent = true)]
    [Description("Lists the tasks MageFlow can sign by name, with where each runs: dotnet (a C# worker with MageFlow) or external (another language).")]
    public async Task<string> ListRegistryAsync(CancellationToken cancellationToken = default) =>
        McpJson.Write(await mageFlow.Inspector.ListRegistryAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Reads the log lines of a task signature's run from the engine.</summary>
    /// <param name="id">The task signature id.</param>
    /// <param name="limit">Lines per task run (1 to 1,000).</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The lines of each task run, oldest first, as JSON.</returns>
    [McpServerTool(Name = "read_task_logs", ReadOnly = true, Idempotent = true)]
    [Description("Reads the log lines a task signature's run wrote (ctx.Log in C#, ctx.log in TypeScript), from the Hatchet engine, oldest first.")]
    public async Task<string> ReadTaskLogsAsync(
        [Description("The task signature id")] string id,
        [Description("Lines per task run, 1 to 1000")] int limit = 200,
        CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 1000)
        {
            throw new McpException("limit must be 1 to 1000");
        }

        var node = await mageFlow.Inspector.GetNodeAsync(id, 0, 0, cancellationToken).ConfigureAwait(false) ?? throw Missing(id);
        if (node.Summary.RunId is not { } runId)
        {
            throw new McpException($"signature '{id}' has no engine run yet (status {node.Summary.Status}; chains, swarms and roots' swarms have none)");
        }

        try
        {
            var run = await mageFlow.Client.Runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
            var tasks = new List<object>();
            foreach (var task in run.Tasks)
            {
                var lines = await mageFlow.Client.Logs.ListAsync(task.TaskExternalId, new Hatchet.Logs.ListLogsQuery { Limit = limit, OldestFirst = true }, cancellationToken).ConfigureAwait(false);
                tasks.Add(new { taskRunId = task.TaskExternalId, lines });
            }

            return McpJson.Write(new { runId, tasks });
        }
        catch (HatchetApiException e)
        {
            throw new McpException($"the engine refused to read run {runId}: {e.Message}");
        }
    }

    private async Task<object?> TreeAsync(string id, int depth, int children, CancellationToken cancellationToken)
    {
        var node = await mageFlow.Inspector.GetNodeAsync(id, 0, depth > 0 ? children : 0, cancellationToken).ConfigureAwait(false);
        if (node is null)
        {
            return null;
        }

        var kids = new List<object>();
        foreach (var child in node.Children.Items)
        {
            kids.Add(child.Kind == FlowNodeKind.Task || depth <= 1 ? child : await TreeAsync(child.Id, depth - 1, children, cancellationToken).ConfigureAwait(false) ?? child);
        }

        return new
        {
            node.Summary,
            node.ContainerId,
            node.Error,
            successCallbacks = node.SuccessCallbacks,
            errorCallbacks = node.ErrorCallbacks,
            children = new { total = node.Children.Total, shown = kids.Count, items = kids },
        };
    }

    private static McpException Missing(string id) => new($"no signature '{id}': never created, or expired");
}

using MageFlow.Hatchet.Orchestration.Mcp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds MageFlow's tools to an MCP server built with the official C# SDK.</summary>
public static class MageFlowMcpServerBuilderExtensions
{
    /// <summary>
    /// Adds the read tools (<c>list_flows</c>, <c>get_flow_tree</c>, <c>get_signature</c>, <c>list_registry</c>,
    /// <c>read_task_logs</c>), and the action tools only when <paramref name="actions"/> is set. The tools take the
    /// <see cref="MageFlow.Hatchet.Orchestration.MageFlowClient"/> from the container.
    /// </summary>
    /// <param name="builder">The MCP server builder.</param>
    /// <param name="actions">Whether agents may suspend, interrupt, resume, cancel and retry.</param>
    /// <returns>The builder.</returns>
    public static IMcpServerBuilder WithMageFlowTools(this IMcpServerBuilder builder, bool actions = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithTools<MageFlowReadTools>();
        if (actions)
        {
            builder.WithTools<MageFlowActionTools>();
        }

        return builder;
    }
}

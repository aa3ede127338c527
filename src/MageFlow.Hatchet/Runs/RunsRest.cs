using MageFlow.Hatchet.Rest;
using MageFlow.Hatchet.Workflows;

namespace MageFlow.Hatchet.Runs;

/// <summary>What the REST half of <see cref="RunsClient"/> needs: the REST client, the tenant, workflow ids by name, the clock.</summary>
/// <param name="Rest">The REST client.</param>
/// <param name="TenantId">The tenant id.</param>
/// <param name="Workflows">Resolves workflow names to ids.</param>
/// <param name="Time">The clock the default <see cref="ListRunsQuery.Since"/> is read from.</param>
internal sealed record RunsRest(HatchetRestClient Rest, string TenantId, WorkflowsClient Workflows, TimeProvider Time);

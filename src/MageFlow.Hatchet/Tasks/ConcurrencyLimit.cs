namespace MageFlow.Hatchet.Tasks;

/// <summary>A concurrency limit: at most <paramref name="MaxRuns"/> runs per value of the CEL <paramref name="Expression"/>.</summary>
/// <param name="Expression">A CEL expression such as <c>input.user_id</c> or <c>additional_metadata.tenant</c>.</param>
/// <param name="MaxRuns">How many runs of one group may run at once.</param>
/// <param name="Strategy">What happens when the group is full.</param>
public sealed record ConcurrencyLimit(string Expression, int MaxRuns = 1, ConcurrencyLimitStrategy Strategy = ConcurrencyLimitStrategy.GroupRoundRobin)
{
    internal Protocol.V1.Concurrency ToProto() => new()
    {
        Expression = Expression,
        MaxRuns = MaxRuns,
        LimitStrategy = (Protocol.V1.ConcurrencyLimitStrategy)(int)Strategy,
    };
}

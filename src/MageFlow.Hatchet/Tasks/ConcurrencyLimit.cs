namespace MageFlow.Hatchet.Tasks;

/// <summary>A concurrency limit: at most <paramref name="MaxRuns"/> runs per value of the CEL <paramref name="Expression"/>.</summary>
/// <param name="Expression">A CEL expression such as <c>input.user_id</c> or <c>additional_metadata.tenant</c>.</param>
/// <param name="MaxRuns">How many runs of one group may run at once.</param>
/// <param name="Strategy">What happens when the group is full.</param>
public sealed record ConcurrencyLimit(string Expression, int MaxRuns = 1, ConcurrencyLimitStrategy Strategy = ConcurrencyLimitStrategy.GroupRoundRobin)
{
    /// <summary>Gets the limit's name, shared by the tasks that should count against one limit. Needs an engine newer
    /// than v0.104.7 (see <see cref="UsesNewerEngineFields"/>).</summary>
    public string? Name { get; init; }

    /// <summary>Gets a value indicating whether the limit counts runs across the tenant rather than per workflow. Needs an
    /// engine newer than v0.104.7.</summary>
    public bool? IsTenantScoped { get; init; }

    /// <summary>Gets a CEL expression that computes the group's limit from the run instead of <see cref="MaxRuns"/>.
    /// Needs an engine newer than v0.104.7.</summary>
    public string? MaxRunsExpression { get; init; }

    /// <summary>Gets the options an engine of version v0.104.7 or older does not know, and would drop without a word:
    /// the fields added after it, and the strategies that cancel queued runs.</summary>
    public IReadOnlyList<string> UsesNewerEngineFields
    {
        get
        {
            var used = new List<string>();
            if (Name is not null)
            {
                used.Add(nameof(Name));
            }

            if (IsTenantScoped is not null)
            {
                used.Add(nameof(IsTenantScoped));
            }

            if (MaxRunsExpression is not null)
            {
                used.Add(nameof(MaxRunsExpression));
            }

            if (Strategy is ConcurrencyLimitStrategy.CancelQueuedExceptNewest or ConcurrencyLimitStrategy.CancelQueuedExceptOldest)
            {
                used.Add($"{nameof(Strategy)} = {Strategy}");
            }

            return used;
        }
    }

    internal Protocol.V1.Concurrency ToProto()
    {
        var proto = new Protocol.V1.Concurrency
        {
            Expression = Expression,
            MaxRuns = MaxRuns,
            LimitStrategy = (Protocol.V1.ConcurrencyLimitStrategy)(int)Strategy,
        };
        if (Name is not null)
        {
            proto.Name = Name;
        }

        if (IsTenantScoped is { } scoped)
        {
            proto.IsTenantScoped = scoped;
        }

        if (MaxRunsExpression is not null)
        {
            proto.MaxRunsExpression = MaxRunsExpression;
        }

        return proto;
    }
}

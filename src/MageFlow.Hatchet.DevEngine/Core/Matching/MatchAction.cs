namespace MageFlow.Hatchet.DevEngine.Core.Matching;

/// <summary>What a satisfied group of conditions does, in Hatchet's order of precedence when several are satisfied at
/// once (<c>SKIP</c>, <c>CANCEL</c>, <c>CREATE</c>, <c>QUEUE</c>; <c>GetSatisfiedMatches</c> in pkg/repository/sqlcv1/matches.sql).</summary>
internal enum MatchAction
{
    /// <summary>Create (durable waits: the signal fires).</summary>
    Create = 0,

    /// <summary>Queue the task (<c>wait_for</c>).</summary>
    Queue = 1,

    /// <summary>Cancel the task (<c>cancel_if</c>).</summary>
    Cancel = 2,

    /// <summary>Skip the task (<c>skip_if</c>).</summary>
    Skip = 3,
}

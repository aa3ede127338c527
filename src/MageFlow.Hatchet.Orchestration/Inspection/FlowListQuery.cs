using MageFlow.Hatchet.Orchestration.Signatures;

namespace MageFlow.Hatchet.Orchestration.Inspection;

/// <summary>Which recent flows to list, newest first.</summary>
public sealed record FlowListQuery
{
    /// <summary>The most flows a page may hold.</summary>
    public const int MaxLimit = 500;

    /// <summary>Gets only flows with one of these statuses; empty for all.</summary>
    public IReadOnlyCollection<SignatureStatus> Statuses { get; init; } = [];

    /// <summary>Gets only flows whose name contains this text, ignoring case.</summary>
    public string? NameContains { get; init; }

    /// <summary>Gets how many matching flows to skip.</summary>
    public int Offset { get; init; }

    /// <summary>Gets how many flows the page holds at most (1 to <see cref="MaxLimit"/>).</summary>
    public int Limit { get; init; } = 50;

    internal bool Filters => Statuses.Count > 0 || !string.IsNullOrEmpty(NameContains);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Offset, nameof(Offset));
        ArgumentOutOfRangeException.ThrowIfLessThan(Limit, 1, nameof(Limit));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Limit, MaxLimit, nameof(Limit));
    }

    internal bool Matches(FlowNodeSummary flow) =>
        (Statuses.Count == 0 || Statuses.Contains(flow.Status)) &&
        (string.IsNullOrEmpty(NameContains) || flow.Name.Contains(NameContains, StringComparison.OrdinalIgnoreCase));
}

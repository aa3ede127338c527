using MageFlow.Hatchet.Orchestration.Signatures;

namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>The words kinds and statuses are stored as in Redis (the Lua scripts compare them).</summary>
internal static class WireNames
{
    public static string Of(SignatureKind kind) => kind switch
    {
        SignatureKind.Task => "task",
        SignatureKind.Chain => "chain",
        _ => "swarm",
    };

    public static SignatureKind? KindOf(string? value) => value switch
    {
        "task" => SignatureKind.Task,
        "chain" => SignatureKind.Chain,
        "swarm" => SignatureKind.Swarm,
        _ => null,
    };

    public static string Of(SignatureStatus status) => status switch
    {
        SignatureStatus.Pending => "pending",
        SignatureStatus.Active => "active",
        SignatureStatus.Suspended => "suspended",
        SignatureStatus.Interrupted => "interrupted",
        SignatureStatus.Done => "done",
        SignatureStatus.Failed => "failed",
        _ => "canceled",
    };

    public static SignatureStatus? StatusOf(string? value) => value switch
    {
        "pending" => SignatureStatus.Pending,
        "active" => SignatureStatus.Active,
        "suspended" => SignatureStatus.Suspended,
        "interrupted" => SignatureStatus.Interrupted,
        "done" => SignatureStatus.Done,
        "failed" => SignatureStatus.Failed,
        "canceled" => SignatureStatus.Canceled,
        _ => null,
    };

    public static bool IsFinal(SignatureStatus status) => status is SignatureStatus.Done or SignatureStatus.Failed or SignatureStatus.Canceled;
}

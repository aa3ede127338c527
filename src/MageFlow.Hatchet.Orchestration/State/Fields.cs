namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>The field names of a signature hash (docs/redis-schema.md lists what each holds).</summary>
internal static class Fields
{
    public const string Kind = "kind";
    public const string Name = "name";
    public const string Kwargs = "kwargs";
    public const string ReturnField = "rf";
    public const string Status = "status";
    public const string Parent = "parent";
    public const string ParentKind = "pkind";
    public const string SuccessCallbacks = "succ";
    public const string ErrorCallbacks = "err";
    public const string ActiveTtl = "ttl_a";
    public const string DoneTtl = "ttl_d";
    public const string Metadata = "meta";
    public const string TriggerOptions = "topts";
    public const string Run = "run";
    public const string Input = "input";
    public const string Result = "result";
    public const string Error = "error";
    public const string RootSwarm = "root_swarm";
    public const string RootSignature = "root_sig";
    public const string Owner = "owner";
    public const string Tasks = "tasks";
    public const string Index = "idx";
    public const string MaxConcurrency = "maxc";
    public const string StopAfterNFailures = "stopn";
    public const string MaxTasks = "maxn";
    public const string Closed = "closed";
    public const string Started = "started";
    public const string Running = "running";
    public const string Total = "total";
    public const string Succeeded = "nok";
    public const string Failed = "nfail";
    public const string Canceled = "ncanc";
    public const string StopMode = "onstop";
    public const string Failing = "failing";
    public const string Message = "msg";

    /// <summary>Set on a record that moved to another slot bucket (copy-on-link): its new id.</summary>
    public const string Moved = "moved";
}

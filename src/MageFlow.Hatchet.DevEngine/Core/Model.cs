using System.Text.Json.Nodes;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Core;

/// <summary>One registered version of a workflow.</summary>
internal sealed class WorkflowDef
{
    public required string Name { get; init; }

    public required string WorkflowId { get; init; }

    public required string VersionId { get; init; }

    public required string Version { get; init; }

    public required IReadOnlyList<TaskDef> Tasks { get; init; }

    public TaskDef? OnFailure { get; init; }

    public required IReadOnlyList<string> EventTriggers { get; init; }

    public required IReadOnlyList<ConcurrencyRule> Concurrency { get; init; }

    public int DefaultPriority { get; init; } = 1;

    public bool IsSingleTask => Tasks.Count == 1;
}

/// <summary>One task of a workflow version.</summary>
internal sealed class TaskDef
{
    public required string Id { get; init; }

    public required string ReadableId { get; init; }

    public required string Action { get; init; }

    public required int Index { get; init; }

    public required IReadOnlyList<string> Parents { get; init; }

    public List<TaskDef> Children { get; } = [];

    public required TimeSpan Timeout { get; init; }

    public required TimeSpan ScheduleTimeout { get; init; }

    public required int Retries { get; init; }

    public float? BackoffFactor { get; init; }

    public int? BackoffMaxSeconds { get; init; }

    public required IReadOnlyList<ConcurrencyRule> Concurrency { get; init; }

    public required IReadOnlyDictionary<string, int> SlotRequests { get; init; }

    public required IReadOnlyDictionary<string, DesiredWorkerLabels> DesiredLabels { get; init; }

    public bool IsOnFailure { get; init; }
}

internal enum TaskState
{
    /// <summary>Waiting for DAG parents (or for the run to be admitted).</summary>
    Waiting,

    /// <summary>Ready, but waiting for a concurrency group to admit it.</summary>
    ConcurrencyWait,

    /// <summary>In an action queue, waiting for a worker slot.</summary>
    Queued,

    /// <summary>Assigned to a worker.</summary>
    Running,

    /// <summary>Failed an attempt; waits out its backoff before it is queued again.</summary>
    RetryWait,

    Completed,
    Failed,
    Cancelled,
}

/// <summary>Something that holds or waits for concurrency-group slots: a task run or a workflow run.</summary>
internal abstract class ConcurrencyHolder
{
    public long AdmissionSeq { get; set; }

    public List<(ConcurrencyGroup Group, LinkedListNode<ConcurrencyHolder> Node)> Held { get; } = [];

    public ConcurrencyGroup? WaitingOn { get; set; }

    public LinkedListNode<ConcurrencyHolder>? WaitingNode { get; set; }
}

internal sealed class WorkflowRun : ConcurrencyHolder
{
    public required string Id { get; init; }

    public required WorkflowDef Def { get; init; }

    public required string InputJson { get; init; }

    public required JsonObject Input { get; init; }

    public required string MetadataJson { get; init; }

    public required JsonObject Metadata { get; init; }

    public required int Priority { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; set; }

    public TaskRun[] Tasks { get; set; } = [];

    public TaskRun? OnFailureTask { get; set; }

    public RunStatus Status { get; set; } = RunStatus.Queued;

    public bool Finalized { get; set; }

    public bool Admitted { get; set; }

    public TaskRun? ParentTask { get; init; }

    public int? ChildIndex { get; init; }

    public string? ChildKey { get; init; }

    public string? DesiredWorkerId { get; init; }

    public IReadOnlyDictionary<string, DesiredWorkerLabels>? DesiredLabels { get; init; }

    public string? TriggeringEventId { get; init; }

    public string? TriggeringEventKey { get; init; }

    public IEnumerable<TaskRun> AllTasks => OnFailureTask is null ? Tasks : Tasks.Append(OnFailureTask);
}

internal sealed class TaskRun : ConcurrencyHolder
{
    public required string ExternalId { get; init; }

    public required TaskDef Def { get; init; }

    public required WorkflowRun Run { get; init; }

    public TaskState State { get; set; } = TaskState.Waiting;

    public int RetryCount { get; set; }

    public Worker? Worker { get; set; }

    public bool SlotHeld { get; set; }

    public DateTimeOffset InsertedAt { get; init; }

    public DateTimeOffset? TimeoutAt { get; set; }

    public DateTimeOffset? ScheduleDeadline { get; set; }

    public DateTimeOffset? RetryAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? Output { get; set; }

    public string? Error { get; set; }

    public bool Started { get; set; }

    public LinkedListNode<TaskRun>? QueueNode { get; set; }

    public LinkedList<TaskRun>? QueueList { get; set; }

    /// <summary>Child workflow runs this task spawned, keyed by <c>i:&lt;index&gt;</c> or <c>k:&lt;key&gt;</c>, for dedupe.</summary>
    public Dictionary<string, WorkflowRun>? Children { get; set; }

    public string? StepRunErrorsJson { get; set; }

    public bool IsFinal => State is TaskState.Completed or TaskState.Failed or TaskState.Cancelled;
}

internal sealed class Worker
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required HashSet<string> Actions { get; init; }

    public required Dictionary<string, int> SlotCapacity { get; init; }

    public Dictionary<string, int> SlotsUsed { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Protocol.WorkerLabels> Labels { get; } = new(StringComparer.Ordinal);

    public ListenStream? Stream { get; set; }

    public DateTimeOffset LastHeartbeat { get; set; }

    public bool Paused { get; set; }

    public bool Unsubscribed { get; set; }

    public bool Lapsed { get; set; }

    public HashSet<TaskRun> Running { get; } = [];

    public int FreeSlots(string slotType) =>
        SlotCapacity.TryGetValue(slotType, out var cap) ? cap - SlotsUsed.GetValueOrDefault(slotType) : 0;
}

/// <summary>One open ListenV2 stream of a worker.</summary>
internal sealed class ListenStream
{
    public ListenStream(long generation)
    {
        Generation = generation;
        Actions = System.Threading.Channels.Channel.CreateUnbounded<Protocol.AssignedAction>(
            new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
    }

    public long Generation { get; }

    public System.Threading.Channels.Channel<Protocol.AssignedAction> Actions { get; }
}

/// <summary>Subscriber of one <c>SubscribeToWorkflowRuns</c> stream.</summary>
internal sealed class RunSubscriber
{
    public System.Threading.Channels.Channel<Protocol.WorkflowRunEvent> Events { get; } =
        System.Threading.Channels.Channel.CreateUnbounded<Protocol.WorkflowRunEvent>(
            new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
}

internal sealed class ScheduledTrigger
{
    public required string Id { get; init; }

    public required DateTimeOffset At { get; init; }

    public required TriggerWorkflowRequest Request { get; init; }
}

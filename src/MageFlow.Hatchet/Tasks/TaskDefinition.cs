using System.Globalization;
using System.Text.Json;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.Tasks;

/// <summary>One task of a workflow as the worker runs it and as the engine registers it.</summary>
internal sealed class TaskDefinition
{
    private bool? _feeds;

    public required string Name { get; init; }

    public required IReadOnlyList<string> Parents { get; init; }

    public required TaskOptions Options { get; init; }

    /// <summary>Deserializes the input, runs the handler and returns the output as JSON.</summary>
    public required Func<TaskContext, JsonSerializerOptions, Task<string>> Invoke { get; init; }

    /// <summary>Gets the declaration this task belongs to.</summary>
    public required WorkflowDeclarationBase Owner { get; init; }

    /// <summary>Gets whether the task is durable: it gets a <see cref="DurableContext"/> and a durable slot.</summary>
    public bool IsDurable { get; init; }

    /// <summary>Gets whether other tasks of the workflow read this task's output (it is a parent, or a leaf before an
    /// on-success task): the engine then passes it on as a JSON object only.</summary>
    public bool FeedsOtherTasks => _feeds ??= Owner.TaskDefinitions.Any(t => t.Parents.Contains(Name, StringComparer.Ordinal));

    /// <summary>Gets whether this task is the whole run of its workflow (not a DAG step or an on-failure task).</summary>
    public bool IsWholeRun => Owner.IsSingleTask && ReferenceEquals(Owner.TaskDefinitions[0], this);

    public CreateTaskOpts ToProto(string workflowName)
    {
        var o = Options;
        var proto = new CreateTaskOpts
        {
            ReadableId = Name,
            Action = workflowName + ":" + Name,
            Timeout = Durations.Format(o.ExecutionTimeout),
            ScheduleTimeout = Durations.Format(o.ScheduleTimeout),
            Retries = o.Retries,
            Inputs = "{}",
        };
        proto.Parents.AddRange(Parents);
        if (o.BackoffFactor is { } factor)
        {
            proto.BackoffFactor = (float)factor;
        }

        if (o.BackoffMaxSeconds is { } max)
        {
            proto.BackoffMaxSeconds = max;
        }

        foreach (var c in o.Concurrency)
        {
            proto.Concurrency.Add(c.ToProto());
        }

        foreach (var r in o.RateLimits)
        {
            proto.RateLimits.Add(new CreateTaskRateLimit { Key = r.Key, Units = r.Units });
        }

        foreach (var (key, label) in o.DesiredWorkerLabels)
        {
            proto.WorkerLabels[key] = label.ToProto();
        }

        // Durable tasks take a slot of the worker's durable pool, as the official SDKs declare them, so a durable parent
        // waiting for its children never holds the default slots those children need.
        proto.IsDurable = IsDurable;
        proto.SlotRequests[IsDurable ? "durable" : "default"] = IsDurable ? 1 : o.SlotCost;
        if (o.WaitFor.Count + o.SkipIf.Count + o.CancelIf.Count > 0)
        {
            var set = new Conditions.ConditionSet();
            set.AddAll(o.WaitFor, Protocol.V1.Action.Queue);
            set.AddAll(o.SkipIf, Protocol.V1.Action.Skip);
            set.AddAll(o.CancelIf, Protocol.V1.Action.Cancel);
            proto.Conditions = set.ToTask();
        }
        return proto;
    }
}

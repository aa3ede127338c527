using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Core.Workflows;

/// <summary>
/// Validates a <c>PutWorkflow</c> request and turns it into a <see cref="WorkflowDef"/>. Needs no engine state,
/// so it runs before the engine lock is taken; the registry then stamps the workflow id and stores it.
/// </summary>
internal static class WorkflowDefinitionParser
{
    /// <summary>Parses and validates a workflow version.</summary>
    /// <param name="request">The request as sent.</param>
    /// <returns>The definition, with an empty <see cref="WorkflowDef.WorkflowId"/> for the registry to fill.</returns>
    public static WorkflowDef Parse(CreateWorkflowVersionRequest request)
    {
        var name = request.Name?.Trim() ?? string.Empty;
        if (name.Length == 0)
        {
            throw EngineErrors.Invalid("workflow name must not be empty");
        }

        if (request.Tasks.Count == 0)
        {
            throw EngineErrors.Invalid($"workflow '{name}' has no tasks");
        }

        if (request.HasDefaultPriority && request.DefaultPriority is < 1 or > 3)
        {
            throw EngineErrors.Invalid($"workflow '{name}': default_priority must be between 1 and 3, got {request.DefaultPriority}");
        }

        var sticky = !request.HasSticky ? Model.StickyStrategy.None : request.Sticky switch
        {
            Protocol.V1.StickyStrategy.Soft => Model.StickyStrategy.Soft,
            Protocol.V1.StickyStrategy.Hard => Model.StickyStrategy.Hard,
            _ => throw EngineErrors.Invalid($"workflow '{name}': unknown sticky strategy {(int)request.Sticky}"),
        };
        var versionId = Guid.NewGuid().ToString();
        var tasks = ParseTasks(name, request);
        TaskDef? onFailure = null;
        if (request.OnFailureTask is not null)
        {
            onFailure = ParseTask(name, request.OnFailureTask, tasks.Count, isOnFailure: true);
            if (onFailure.ParentNames.Count > 0)
            {
                throw EngineErrors.Invalid($"workflow '{name}': the on-failure task '{onFailure.ReadableId}' must not have parents");
            }
        }

        var rules = new List<ConcurrencyRule>();
        var concurrency = request.ConcurrencyArr.ToList();
        if (request.Concurrency is not null && !string.IsNullOrEmpty(request.Concurrency.Expression))
        {
            concurrency.Insert(0, request.Concurrency);
        }

        for (var i = 0; i < concurrency.Count; i++)
        {
            rules.Add(ConcurrencyRule.Parse($"{name}#wf{i}", concurrency[i], $"workflow '{name}'", $"CreateWorkflowVersionOpts.Concurrency[{i}]"));
        }

        var filters = new List<EventFilter>(request.DefaultFilters.Count);
        foreach (var filter in request.DefaultFilters)
        {
            string? payload = null;
            if (filter.HasPayload && filter.Payload.Length > 0)
            {
                payload = filter.Payload.ToStringUtf8();
                if (!JsonInput.IsJson(payload))
                {
                    throw EngineErrors.Invalid($"workflow '{name}': default filter payload is not valid JSON");
                }
            }

            // Only the CEL forms the engine evaluates: any other expression is refused rather than taken as true or false.
            filters.Add(new EventFilter(filter.Scope, Filters.FilterExpression.Parse(filter.Expression, $"workflow '{name}': default filter"), payload));
        }

        for (var i = 0; i < request.CronTriggers.Count; i++)
        {
            if (Timers.CronSchedules.TryParse(request.CronTriggers[i]) is null)
            {
                throw EngineErrors.Invalid(ValidationMessage.Cron($"CreateWorkflowVersionOpts.CronTriggers[{i}]"));
            }
        }

        return new WorkflowDef
        {
            Name = name,
            WorkflowId = string.Empty,
            VersionId = versionId,
            Version = string.IsNullOrEmpty(request.Version) ? versionId : request.Version,
            Tasks = tasks,
            OnFailure = onFailure,
            EventTriggers = request.EventTriggers.Where(e => !string.IsNullOrEmpty(e)).ToArray(),
            Concurrency = rules,
            Filters = filters,
            CronTriggers = [.. request.CronTriggers],
            CronInput = string.IsNullOrEmpty(request.CronInput) ? null : request.CronInput,
            DefaultPriority = request.HasDefaultPriority ? request.DefaultPriority : 1,
            Sticky = sticky,
        };
    }

    /// <summary>Parses the DAG: unique names, known parents, no self-parents, no cycles.</summary>
    private static List<TaskDef> ParseTasks(string name, CreateWorkflowVersionRequest request)
    {
        var tasks = new List<TaskDef>(request.Tasks.Count);
        var byName = new Dictionary<string, TaskDef>(StringComparer.Ordinal);
        for (var i = 0; i < request.Tasks.Count; i++)
        {
            var def = ParseTask(name, request.Tasks[i], i, isOnFailure: false);
            if (!byName.TryAdd(def.ReadableId, def))
            {
                throw EngineErrors.Invalid($"workflow '{name}' has two tasks named '{def.ReadableId}'");
            }

            tasks.Add(def);
        }

        foreach (var def in tasks)
        {
            foreach (var parent in def.ParentNames)
            {
                if (!byName.TryGetValue(parent, out var parentDef))
                {
                    throw EngineErrors.Invalid($"workflow '{name}': task '{def.ReadableId}' names unknown parent '{parent}'");
                }

                if (parent == def.ReadableId)
                {
                    throw EngineErrors.Invalid($"workflow '{name}': task '{def.ReadableId}' names itself as a parent");
                }

                parentDef.Children.Add(def);
                def.Parents.Add(parentDef);
            }
        }

        var cycle = FindCycle(tasks);
        if (cycle is not null)
        {
            throw EngineErrors.Invalid($"workflow '{name}' has a dependency cycle: {cycle}");
        }

        return tasks;
    }

    private static TaskDef ParseTask(string workflow, CreateTaskOpts opts, int index, bool isOnFailure)
    {
        var readable = opts.ReadableId?.Trim() ?? string.Empty;
        if (readable.Length == 0)
        {
            throw EngineErrors.Invalid($"workflow '{workflow}': task #{index} has no readable_id");
        }

        if (string.IsNullOrWhiteSpace(opts.Action))
        {
            throw EngineErrors.Invalid($"workflow '{workflow}': task '{readable}' has no action");
        }

        if (opts.Retries < 0)
        {
            throw EngineErrors.Invalid($"workflow '{workflow}': task '{readable}' has negative retries ({opts.Retries})");
        }

        var owner = $"workflow '{workflow}' task '{readable}'";
        var timeout = string.IsNullOrEmpty(opts.Timeout) ? TimeSpan.FromSeconds(60) : DurationParser.Parse(opts.Timeout, owner + " timeout");
        var scheduleTimeout = opts.HasScheduleTimeout && opts.ScheduleTimeout.Length > 0
            ? DurationParser.Parse(opts.ScheduleTimeout, owner + " schedule_timeout")
            : TimeSpan.FromMinutes(5);
        var rules = new List<ConcurrencyRule>();
        var field = isOnFailure ? "CreateWorkflowVersionOpts.OnFailure" : $"CreateWorkflowVersionOpts.Tasks[{index}]";
        for (var i = 0; i < opts.Concurrency.Count; i++)
        {
            rules.Add(ConcurrencyRule.Parse($"{workflow}#{readable}#{i}", opts.Concurrency[i], owner, $"{field}.Concurrency[{i}]"));
        }

        var slots = opts.SlotRequests.Count == 0
            ? new Dictionary<string, int>(StringComparer.Ordinal) { ["default"] = 1 }
            : opts.SlotRequests.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        if (slots.Values.Any(v => v < 0))
        {
            throw EngineErrors.Invalid($"{owner}: slot requests must not be negative");
        }

        return new TaskDef
        {
            Id = Guid.NewGuid().ToString(),
            ReadableId = readable,
            Action = opts.Action,
            Index = index,
            ParentNames = opts.Parents.Distinct().ToArray(),
            Timeout = timeout,
            ScheduleTimeout = scheduleTimeout,
            Retries = opts.Retries,
            BackoffFactor = opts.HasBackoffFactor ? opts.BackoffFactor : null,
            BackoffMaxSeconds = opts.HasBackoffMaxSeconds ? opts.BackoffMaxSeconds : null,
            Concurrency = rules,
            SlotRequests = slots,
            DesiredLabels = opts.WorkerLabels.ToDictionary(kv => kv.Key, kv => DesiredLabel.From(kv.Value), StringComparer.Ordinal),
            IsOnFailure = isOnFailure,
            IsDurable = opts.IsDurable,
            Conditions = Matching.ConditionParser.FromTask(opts.Conditions, $"{workflow}.{readable}", opts.Parents.ToArray()),
        };
    }

    /// <summary>Finds a dependency cycle by depth-first search, naming it as <c>a -> b -> a</c>.</summary>
    private static string? FindCycle(List<TaskDef> tasks)
    {
        const int visiting = 1, done = 2;
        var state = new Dictionary<TaskDef, int>();
        var stack = new List<string>();
        foreach (var t in tasks)
        {
            var found = Visit(t);
            if (found is not null)
            {
                return found;
            }
        }

        return null;

        string? Visit(TaskDef t)
        {
            var s = state.GetValueOrDefault(t);
            if (s == done)
            {
                return null;
            }

            if (s == visiting)
            {
                var start = stack.IndexOf(t.ReadableId);
                return string.Join(" -> ", stack.Skip(start).Append(t.ReadableId));
            }

            state[t] = visiting;
            stack.Add(t.ReadableId);
            foreach (var child in t.Children)
            {
                var found = Visit(child);
                if (found is not null)
                {
                    return found;
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[t] = done;
            return null;
        }
    }
}

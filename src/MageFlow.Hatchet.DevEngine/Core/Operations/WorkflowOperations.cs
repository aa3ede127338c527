using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.DevEngine.Core.RateLimits;
using MageFlow.Hatchet.DevEngine.Core.Requests;
using MageFlow.Hatchet.DevEngine.Core.Runs;
using MageFlow.Hatchet.DevEngine.Core.Workflows;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Core.Operations;

/// <summary>
/// Workflow definitions and the ways runs are asked for. Each method is one atomic transition under the
/// engine lock; checks that need no engine state run before the lock is taken.
/// </summary>
internal sealed class WorkflowOperations(
    Lock gate,
    WorkflowRegistry workflows,
    RunTriggers triggers,
    Timers.CronSchedules crons,
    Timers.ScheduledRuns scheduled,
    Filters.FilterStore filters,
    Matching.PendingMatches pending,
    Matching.MatchOutcomes outcomes,
    Events.EventLog events,
    TimeProvider time)
{
    private readonly RateLimitStore _rateLimits = new();
    private readonly Events.EventLog _events = events;

    /// <summary>Registers a workflow version (<c>PutWorkflow</c>).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The stored version.</returns>
    public WorkflowDef PutWorkflow(CreateWorkflowVersionRequest request)
    {
        var parsed = WorkflowDefinitionParser.Parse(request);
        lock (gate)
        {
            var now = time.GetUtcNow();
            var def = workflows.Register(parsed with { CreatedAt = now });
            crons.ReplaceDeclared(def, now);
            filters.ReplaceDeclared(def, now);
            return def;
        }
    }

    /// <summary>
    /// Deletes a workflow (REST workflow delete): it no longer triggers or can be triggered, and its crons and pending
    /// schedules go with it. Runs already created keep running. Its event filters stay, as in Hatchet, whose delete only
    /// marks the workflow deleted.
    /// </summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <returns><see langword="true"/> when there was one.</returns>
    public bool Delete(string workflowId)
    {
        lock (gate)
        {
            if (workflows.All.FirstOrDefault(d => d.WorkflowId == workflowId) is not { } def)
            {
                return false;
            }

            workflows.Remove(def.Name);
            crons.RemoveWorkflow(def.Name);
            scheduled.RemoveWorkflow(def.Name);
            return true;
        }
    }

    /// <summary>Lists the current versions of the workflows whose names contain a text, ignoring case (REST's workflow list).</summary>
    /// <param name="search">The text; empty for all.</param>
    /// <returns>The workflows, newest first.</returns>
    public List<WorkflowDef> List(string search)
    {
        lock (gate)
        {
            return workflows.All.Reverse().Where(d => d.Name.Contains(search, StringComparison.OrdinalIgnoreCase)).ToList();
        }
    }

    /// <summary>Stores a rate limit (<c>PutRateLimit</c>; not enforced).</summary>
    /// <param name="key">The key.</param>
    /// <param name="limit">The limit.</param>
    /// <param name="duration">The window.</param>
    public void PutRateLimit(string key, int limit, Protocol.RateLimitDuration duration)
    {
        RateLimitStore.Validate(key, limit);
        lock (gate)
        {
            _rateLimits.Put(key, limit, duration);
        }
    }

    /// <summary>Creates a run (<c>TriggerWorkflow</c>, admin <c>TriggerWorkflowRun</c>).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The run id.</returns>
    public string Trigger(RunRequest request)
    {
        if (request.ParentTaskRunExternalId is null || request.ChildIndex is null)
        {
            lock (gate)
            {
                return triggers.Trigger(request);
            }
        }

        // A child spawn Hatchet may dedupe: it looks for the child's key, then records and creates the child, without
        // a lock on the key it did not find (populateExternalIdsForWorkflow in pkg/repository/ids.go). So spawns of one
        // key in flight together can each find none and each create a run. Two steps under the engine lock leave the
        // same opening.
        PreparedTrigger prepared;
        lock (gate)
        {
            prepared = triggers.Prepare(request);
        }

        lock (gate)
        {
            return triggers.Create(prepared);
        }
    }

    /// <summary>Creates several runs, or none when one request is bad (<c>BulkTriggerWorkflow</c>).</summary>
    /// <param name="requests">The requests.</param>
    /// <returns>The run ids, in request order.</returns>
    public IReadOnlyList<string> BulkTrigger(IReadOnlyList<RunRequest> requests)
    {
        RunTriggers.ValidateBulk(requests.Count);
        lock (gate)
        {
            return triggers.BulkTrigger(requests);
        }
    }

    /// <summary>Stores runs for later (<c>ScheduleWorkflow</c>).</summary>
    /// <param name="request">The run to start.</param>
    /// <param name="times">When, one run per time.</param>
    /// <returns>What was stored.</returns>
    public ScheduleResult Schedule(RunRequest request, IReadOnlyList<DateTimeOffset> times)
    {
        RunTriggers.ValidateSchedule(times);
        lock (gate)
        {
            return triggers.Schedule(request, times, time.GetUtcNow());
        }
    }

    /// <summary>Triggers the workflows whose event triggers match an event's key (<c>Push</c>).</summary>
    /// <param name="pushed">The event.</param>
    /// <param name="eventId">The event's id.</param>
    /// <returns>The ids of the runs created.</returns>
    public IReadOnlyList<string> Push(PushedEvent pushed, string eventId)
    {
        RunTriggers.ValidateEvent(pushed);
        lock (gate)
        {
            var now = time.GetUtcNow();
            var runIds = triggers.Push(pushed, eventId);
            _events.Add(new EventRecord(eventId, pushed.Key, string.IsNullOrWhiteSpace(pushed.Payload) ? "{}" : pushed.Payload, pushed.AdditionalMetadataJson, pushed.Scope, now, runIds));

            // The same event also meets the user-event conditions of durable waits and DAG tasks.
            outcomes.Apply(pending.OnEvent(pushed.Key, pushed.Scope, pushed.Payload));
            return runIds;
        }
    }

    /// <summary>Finds the current version of a workflow by its id (REST workflow details).</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <returns>The workflow, or <see langword="null"/>.</returns>
    public WorkflowDef? FindById(string workflowId)
    {
        lock (gate)
        {
            return workflows.All.FirstOrDefault(d => d.WorkflowId == workflowId);
        }
    }

    /// <summary>Lists the runs stored for later that a filter keeps, with their workflows' current versions.</summary>
    /// <param name="filter">Which to keep.</param>
    /// <returns>The schedules, in the order they were created.</returns>
    public List<(ScheduledTrigger Scheduled, WorkflowDef Workflow)> ListScheduled(Func<ScheduledTrigger, WorkflowDef, bool> filter)
    {
        lock (gate)
        {
            var list = new List<(ScheduledTrigger, WorkflowDef)>();
            foreach (var s in scheduled.All)
            {
                if (workflows.TryGet(s.Request.WorkflowName, out var def) && filter(s, def))
                {
                    list.Add((s, def));
                }
            }

            return list;
        }
    }

    /// <summary>Deletes a run stored for later before it is due.</summary>
    /// <param name="id">The schedule's id.</param>
    /// <returns><see langword="true"/> when there was one.</returns>
    public bool DeleteScheduled(string id)
    {
        lock (gate)
        {
            return scheduled.Remove(id);
        }
    }

    /// <summary>Moves pending schedules to new times (REST scheduled-run update and bulk update).</summary>
    /// <param name="updates">The schedules' ids and new times.</param>
    /// <returns>Per update, in order: <see langword="null"/> when moved, else Hatchet's reason.</returns>
    public List<string?> Reschedule(IReadOnlyList<(string Id, DateTimeOffset At)> updates)
    {
        lock (gate)
        {
            var results = new List<string?>(updates.Count);
            foreach (var (id, at) in updates)
            {
                var found = scheduled.All.FirstOrDefault(s => s.Id == id);
                if (found is null)
                {
                    results.Add("Scheduled workflow not found.");
                }
                else if (found.RunId is not null)
                {
                    results.Add("Scheduled run has already been triggered and cannot be rescheduled.");
                }
                else
                {
                    found.At = at;
                    results.Add(null);
                }
            }

            return results;
        }
    }

    /// <summary>Starts a pending schedule's run at once (REST scheduled trigger-now); it then counts as fired.</summary>
    /// <param name="id">The schedule's id.</param>
    /// <returns>The run id, or Hatchet's reason it was not started: not found, or already triggered.</returns>
    public (string? RunId, string? Refusal) TriggerScheduledNow(string id)
    {
        lock (gate)
        {
            var found = scheduled.All.FirstOrDefault(s => s.Id == id);
            if (found is null)
            {
                return (null, "Scheduled workflow not found.");
            }

            if (found.RunId is not null)
            {
                return (null, "Scheduled run has already been triggered.");
            }

            var runId = triggers.Trigger(found.Request);
            scheduled.TakeById(id);
            scheduled.MarkFired(found, runId);
            return (runId, null);
        }
    }

    /// <summary>Copies the rate limits (REST rate limit list).</summary>
    /// <returns>The limits, by key.</returns>
    public List<(string Key, int Limit, Protocol.RateLimitDuration Duration)> ListRateLimits()
    {
        lock (gate)
        {
            return _rateLimits.Snapshot();
        }
    }

    /// <summary>Copies the events received, newest first (REST event list).</summary>
    /// <returns>The events.</returns>
    public List<EventRecord> ListEvents()
    {
        lock (gate)
        {
            return [.. _events.All.Reverse()];
        }
    }

    /// <summary>Finds an event received (REST event details).</summary>
    /// <param name="id">The event's id.</param>
    /// <returns>The event, or <see langword="null"/>.</returns>
    public EventRecord? FindEvent(string id)
    {
        lock (gate)
        {
            return _events.Find(id);
        }
    }
}

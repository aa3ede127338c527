using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.DevEngine.Core.Requests;
using MageFlow.Hatchet.DevEngine.Core.Timers;
using MageFlow.Hatchet.DevEngine.Core.Workflows;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>The ways runs are asked for: one trigger, a bulk trigger (all or nothing), a schedule, an event push.</summary>
internal sealed class RunTriggers(WorkflowRegistry workflows, RunFactory factory, ScheduledRuns scheduled, Filters.FilterStore filters)
{
    /// <summary>Creates one run.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The run id (of the existing run for a duplicate child).</returns>
    public string Trigger(RunRequest request) => Create(Prepare(request));

    /// <summary>Validates one run request and looks up the child it may duplicate: the first step of <see cref="Trigger"/>.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The prepared trigger.</returns>
    public PreparedTrigger Prepare(RunRequest request) => factory.Prepare(request);

    /// <summary>Creates the run of a prepared trigger (or returns the child it duplicates): the second step of <see cref="Trigger"/>.</summary>
    /// <param name="prepared">The prepared trigger.</param>
    /// <returns>The run id.</returns>
    public string Create(PreparedTrigger prepared) => factory.Create(prepared, null, null).Id;

    /// <summary>
    /// Checks that a bulk trigger asks for something. There is no upper bound, as in Hatchet: only the gRPC message size
    /// limit bounds a request. Needs no engine state, so it runs outside the lock.
    /// </summary>
    /// <param name="count">The number of requests.</param>
    public static void ValidateBulk(int count)
    {
        if (count == 0)
        {
            throw EngineErrors.Invalid("bulk trigger needs at least one workflow");
        }
    }

    /// <summary>Creates several runs, or none when any request is bad (the error names it as <c>workflows[i]</c>).</summary>
    /// <param name="requests">The requests.</param>
    /// <returns>The run ids, in request order.</returns>
    public IReadOnlyList<string> BulkTrigger(IReadOnlyList<RunRequest> requests)
    {
        var prepared = new List<PreparedTrigger>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            try
            {
                prepared.Add(factory.Prepare(requests[i]));
            }
            catch (RpcException e)
            {
                throw new RpcException(new Status(e.StatusCode, $"workflows[{i}]: {e.Status.Detail}"));
            }
        }

        var ids = new List<string>(prepared.Count);
        foreach (var p in prepared)
        {
            ids.Add(factory.Create(p, null, null).Id);
        }

        return ids;
    }

    /// <summary>Checks that a schedule names a time. Needs no engine state, so it runs outside the lock.</summary>
    /// <param name="times">The times asked for.</param>
    public static void ValidateSchedule(IReadOnlyList<DateTimeOffset> times)
    {
        if (times.Count == 0)
        {
            throw EngineErrors.Invalid("schedule needs at least one time");
        }
    }

    /// <summary>Stores runs for later, validating the request now rather than when it is due.</summary>
    /// <param name="request">The request.</param>
    /// <param name="times">When to run, one run per time.</param>
    /// <param name="now">The current time, the schedules' creation time.</param>
    /// <returns>The workflow version and the stored schedules.</returns>
    public ScheduleResult Schedule(RunRequest request, IReadOnlyList<DateTimeOffset> times, DateTimeOffset now)
    {
        var def = factory.Prepare(request).Def;
        var stored = new List<ScheduledTrigger>(times.Count);
        foreach (var at in times)
        {
            var s = new ScheduledTrigger { Id = Guid.NewGuid().ToString(), At = at, Request = request, CreatedAt = now };
            scheduled.Add(s);
            stored.Add(s);
        }

        return new ScheduleResult(def, stored);
    }

    /// <summary>
    /// Validates a pushed event as Hatchet's ingestor does (internal/services/ingestor/server.go): metadata and payload
    /// may be any valid JSON, and the priority is 1..3. Needs no engine state, so it runs outside the lock.
    /// </summary>
    /// <param name="pushed">The event as sent.</param>
    public static void ValidateEvent(PushedEvent pushed)
    {
        if (string.IsNullOrWhiteSpace(pushed.Key))
        {
            throw EngineErrors.Invalid("event key must not be empty");
        }

        JsonInput.ValidateJsonb(pushed.AdditionalMetadataJson, "additionalMetadata");
        JsonInput.ValidateJsonb(pushed.Payload, "payload");
        if (pushed.Priority is < 1 or > 3)
        {
            throw EngineErrors.Invalid($"priority must be between 1 and 3, got {pushed.Priority}");
        }
    }

    /// <summary>Triggers every workflow with an event trigger that matches a validated event's key, once per matching trigger.</summary>
    /// <param name="pushed">The event, from <see cref="ValidateEvent"/>.</param>
    /// <param name="eventId">The event's id, recorded on the runs.</param>
    /// <returns>The ids of the runs created.</returns>
    public IReadOnlyList<string> Push(PushedEvent pushed, string eventId)
    {
        var listeners = workflows.ListenersOf(pushed.Key);
        if (listeners.Count == 0)
        {
            return [];
        }

        var triggered = new List<string>(listeners.Count);
        for (var i = 0; i < listeners.Count; i++)
        {
            var def = listeners[i];
            if (!filters.HasAny(def.WorkflowId))
            {
                triggered.Add(Start(def, pushed, eventId, null));
                continue;
            }

            // Hatchet's trigger decisions (makeTriggerDecisions in pkg/repository/trigger.go): a workflow with filters runs
            // only for events whose scope has filters, once for each filter whose expression holds.
            if (pushed.Scope is null)
            {
                continue;
            }

            foreach (var filter in filters.For(def.WorkflowId, pushed.Scope))
            {
                if (filter.Expression.Holds(pushed.Payload))
                {
                    triggered.Add(Start(def, pushed, eventId, filter.PayloadJson));
                }
            }
        }

        return triggered;
    }

    private string Start(WorkflowDef def, PushedEvent pushed, string eventId, string? filterPayload)
    {
        var request = new RunRequest
        {
            WorkflowName = def.Name,
            InputJson = pushed.Payload,
            InputFromEvent = true,
            AdditionalMetadataJson = EventRunMetadata.For(pushed.AdditionalMetadataJson, eventId, pushed.Key),
            Priority = pushed.Priority,
            FilterPayloadJson = filterPayload,
        };
        return factory.Create(factory.Prepare(request), eventId, pushed.Key).Id;
    }
}

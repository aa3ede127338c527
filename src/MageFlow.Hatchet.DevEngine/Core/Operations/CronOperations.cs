using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Timers;
using MageFlow.Hatchet.DevEngine.Core.Workflows;

namespace MageFlow.Hatchet.DevEngine.Core.Operations;

/// <summary>
/// Cron triggers over REST (create, list, delete), as Hatchet's API serves them. Each method is one atomic transition
/// under the engine lock; declared crons come with <c>PutWorkflow</c>.
/// </summary>
internal sealed class CronOperations(Lock gate, WorkflowRegistry workflows, CronSchedules crons, TimeProvider time, Microsoft.Extensions.Logging.ILogger log)
{
    /// <summary>
    /// Creates a cron trigger for a workflow by name. Hatchet does not check the expression here: its ticker drops a cron
    /// it cannot parse when it first loads it, so an invalid one is answered as created and never stored.
    /// </summary>
    /// <param name="workflowName">The workflow's name.</param>
    /// <param name="name">The cron's name (required).</param>
    /// <param name="expression">The cron expression.</param>
    /// <param name="inputJson">The runs' input JSON object.</param>
    /// <param name="metadataJson">The runs' additional metadata JSON object, or <see langword="null"/>.</param>
    /// <param name="priority">The runs' priority; 1 when not given.</param>
    /// <returns>The trigger and its workflow's current version.</returns>
    public (CronTrigger Cron, WorkflowDef Workflow) Create(string workflowName, string name, string expression, string? inputJson, string? metadataJson, int? priority)
    {
        if (name.Length == 0)
        {
            throw EngineErrors.Invalid("cron name is required");
        }

        lock (gate)
        {
            if (!workflows.TryGet(workflowName, out var def))
            {
                throw EngineErrors.Invalid("workflow not found");
            }

            var now = time.GetUtcNow();
            if (crons.All.Any(c => c.WorkflowName == workflowName && c.Name == name && c.Expression == expression))
            {
                throw EngineErrors.Invalid("cron trigger with that name-expression pair already exists");
            }

            var schedule = CronSchedules.TryParse(expression);
            var cron = new CronTrigger
            {
                Id = Guid.NewGuid().ToString(),
                WorkflowName = workflowName,
                Expression = expression,
                Schedule = schedule ?? Cronos.CronExpression.Yearly,
                Name = name,
                InputJson = inputJson,
                MetadataJson = metadataJson,
                Priority = priority ?? 1,
                Method = CronMethod.Api,
                CreatedAt = now,
            };
            if (schedule is not null)
            {
                crons.Add(cron, now);
            }
            else
            {
                Log.CronDropped(log, workflowName, name, expression);
            }

            return (cron, def);
        }
    }

    /// <summary>Lists cron triggers with their workflows' current versions.</summary>
    /// <param name="filter">Which triggers to keep.</param>
    /// <returns>The triggers.</returns>
    public List<(CronTrigger Cron, WorkflowDef Workflow)> List(Func<CronTrigger, WorkflowDef, bool> filter)
    {
        lock (gate)
        {
            var list = new List<(CronTrigger, WorkflowDef)>();
            foreach (var c in crons.All)
            {
                if (workflows.TryGet(c.WorkflowName, out var def) && filter(c, def))
                {
                    list.Add((c, def));
                }
            }

            return list;
        }
    }

    /// <summary>Deletes a cron trigger.</summary>
    /// <param name="id">The trigger's id.</param>
    /// <returns><see langword="true"/> when there was one.</returns>
    public bool Delete(string id)
    {
        lock (gate)
        {
            return crons.Remove(id);
        }
    }

    /// <summary>Enables or disables a trigger (REST cron update). A re-enabled trigger next fires at its first time after now.</summary>
    /// <param name="id">The trigger's id.</param>
    /// <param name="enabled">Whether it fires.</param>
    /// <returns><see langword="true"/> when there was one.</returns>
    public bool SetEnabled(string id, bool enabled)
    {
        lock (gate)
        {
            if (crons.All.FirstOrDefault(c => c.Id == id) is not { } cron)
            {
                return false;
            }

            if (enabled && !cron.Enabled)
            {
                cron.NextAt = cron.Schedule.GetNextOccurrence(time.GetUtcNow(), TimeZoneInfo.Utc);
            }

            cron.Enabled = enabled;
            return true;
        }
    }

    /// <summary>The run a trigger would start now (REST cron trigger-now), with the cron's metadata for this time.</summary>
    /// <param name="id">The trigger's id.</param>
    /// <returns>The run request, or <see langword="null"/> when there is no such trigger.</returns>
    public Requests.RunRequest? RunNow(string id)
    {
        lock (gate)
        {
            return crons.All.FirstOrDefault(c => c.Id == id) is { } cron ? CronSchedules.RunOf(cron, time.GetUtcNow()) : null;
        }
    }
}

using System.Text.Json.Nodes;
using Cronos;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Requests;

namespace MageFlow.Hatchet.DevEngine.Core.Timers;

/// <summary>
/// The cron triggers of all workflows, declared and created over REST, and the runs they ask for when due. Hatchet's
/// ticker fires each cron in UTC and tags the run's metadata with the expression, the scheduled time and the cron's name
/// (RunCronWorkflow in internal/services/ticker/cron_v1.go).
/// </summary>
internal sealed class CronSchedules
{
    private readonly List<CronTrigger> _crons = [];

    /// <summary>Gets every cron trigger, oldest first.</summary>
    public IReadOnlyList<CronTrigger> All => _crons;

    /// <summary>
    /// Parses a cron expression as Hatchet's validator does (robfig/cron with optional seconds: five fields, or six with
    /// seconds first; no <c>@</c> descriptors). Cronos does the parsing.
    /// </summary>
    /// <param name="expression">The expression.</param>
    /// <returns>The parsed expression, or <see langword="null"/> when it is not valid.</returns>
    public static CronExpression? TryParse(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (expression.TrimStart().StartsWith('@') || fields is not (5 or 6))
        {
            return null;
        }

        try
        {
            return CronExpression.Parse(expression, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException)
        {
            return null;
        }
    }

    /// <summary>Adds a trigger and works out when it first fires.</summary>
    /// <param name="cron">The trigger.</param>
    /// <param name="now">The engine's clock.</param>
    public void Add(CronTrigger cron, DateTimeOffset now)
    {
        cron.NextAt = cron.Schedule.GetNextOccurrence(now, TimeZoneInfo.Utc);
        _crons.Add(cron);
    }

    /// <summary>
    /// Puts a new version's declared crons in place of the previous version's. A declared cron whose expression the new
    /// version still declares keeps its id and its next time; crons created over REST stay.
    /// </summary>
    /// <param name="def">The workflow version.</param>
    /// <param name="now">The engine's clock.</param>
    public void ReplaceDeclared(WorkflowDef def, DateTimeOffset now)
    {
        var wanted = def.CronTriggers.Distinct(StringComparer.Ordinal).ToList();
        _crons.RemoveAll(c => c.Method == CronMethod.Default && c.WorkflowName == def.Name && !wanted.Remove(c.Expression));
        foreach (var expression in wanted)
        {
            Add(
                new CronTrigger
                {
                    Id = Guid.NewGuid().ToString(),
                    WorkflowName = def.Name,
                    Expression = expression,
                    Schedule = TryParse(expression)!,
                    Name = string.Empty,
                    InputJson = def.CronInput,
                    Priority = def.DefaultPriority,
                    Method = CronMethod.Default,
                    CreatedAt = now,
                },
                now);
        }
    }

    /// <summary>Deletes every trigger of a deleted workflow.</summary>
    /// <param name="workflowName">The workflow's name.</param>
    public void RemoveWorkflow(string workflowName) => _crons.RemoveAll(c => c.WorkflowName == workflowName);

    /// <summary>Deletes a trigger.</summary>
    /// <param name="id">The trigger's id.</param>
    /// <returns><see langword="true"/> when there was one.</returns>
    public bool Remove(string id) => _crons.RemoveAll(c => c.Id == id) > 0;

    /// <summary>Takes the runs of the triggers that are due and moves each trigger to its next time after <paramref name="now"/>.</summary>
    /// <param name="now">The engine's clock.</param>
    /// <returns>The runs to start, or <see langword="null"/> when none is due.</returns>
    public List<RunRequest>? TakeDue(DateTimeOffset now)
    {
        List<RunRequest>? due = null;
        foreach (var cron in _crons)
        {
            if (cron.Enabled && cron.NextAt is { } at && at <= now)
            {
                (due ??= []).Add(RunOf(cron, at));

                // Like Hatchet's ticker, a cron fires once for the time it was due, not once per missed time.
                cron.NextAt = cron.Schedule.GetNextOccurrence(now, TimeZoneInfo.Utc);
            }
        }

        return due;
    }

    /// <summary>The run a trigger starts for a time (when due, or at once on REST's trigger-now).</summary>
    /// <param name="cron">The trigger.</param>
    /// <param name="scheduledAt">The time the run is for, recorded in its metadata.</param>
    /// <returns>The run request.</returns>
    public static RunRequest RunOf(CronTrigger cron, DateTimeOffset scheduledAt)
    {
        var metadata = cron.MetadataJson is null ? [] : JsonNode.Parse(cron.MetadataJson) as JsonObject ?? [];
        metadata["hatchet__cron_expression"] = cron.Expression;
        metadata["hatchet__cron_scheduled_at"] = scheduledAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        metadata["hatchet__cron_name"] = cron.Name;
        return new RunRequest
        {
            WorkflowName = cron.WorkflowName,
            InputJson = cron.InputJson,
            AdditionalMetadataJson = metadata.ToJsonString(),
            Priority = cron.Priority,
        };
    }
}

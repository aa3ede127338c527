using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.Runs;

/// <summary>Maps the engine's run events to <see cref="RunOutcome"/>.</summary>
internal static class RunEvents
{
    public static RunOutcome ToOutcome(WorkflowRunEvent evt)
    {
        var tasks = new TaskRunOutcome[evt.Results.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            var r = evt.Results[i];
            tasks[i] = new TaskRunOutcome(r.TaskName, r.TaskRunExternalId, r.HasOutput ? r.Output : null, r.HasError ? r.Error : null);
        }

        return new RunOutcome(evt.WorkflowRunId, tasks);
    }
}

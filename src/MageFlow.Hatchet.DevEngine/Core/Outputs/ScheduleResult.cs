using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Outputs;

/// <summary>What <c>ScheduleWorkflow</c> stored.</summary>
/// <param name="Def">The workflow version scheduled.</param>
/// <param name="Scheduled">One entry per requested time.</param>
internal sealed record ScheduleResult(WorkflowDef Def, IReadOnlyList<ScheduledTrigger> Scheduled);

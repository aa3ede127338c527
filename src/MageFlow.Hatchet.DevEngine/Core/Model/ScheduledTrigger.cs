using MageFlow.Hatchet.DevEngine.Core.Requests;

namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>A run that <c>ScheduleWorkflow</c> asked for at a later time.</summary>
internal sealed class ScheduledTrigger
{
    /// <summary>Gets the schedule's id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets or sets when the run is due (a pending schedule can be moved).</summary>
    public required DateTimeOffset At { get; set; }

    /// <summary>Gets when the schedule was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets or sets the run the schedule started, once it fired.</summary>
    public string? RunId { get; set; }

    /// <summary>Gets or sets a value indicating whether a fired schedule was deleted.</summary>
    public bool Deleted { get; set; }

    /// <summary>Gets the trigger to run then (validated when scheduled, prepared again when due).</summary>
    public required RunRequest Request { get; init; }
}

using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Requests;

/// <summary>
/// A request for one workflow run, whichever way it came (trigger, bulk trigger, admin trigger, schedule, event).
/// Optional fields are <see langword="null"/> when the caller did not set them.
/// </summary>
internal sealed class RunRequest
{
    /// <summary>Gets the workflow's name.</summary>
    public required string WorkflowName { get; init; }

    /// <summary>Gets the input JSON; blank means <c>{}</c>, unless <see cref="InputFromEvent"/>.</summary>
    public string? InputJson { get; init; }

    /// <summary>
    /// Gets a value indicating whether the input is an event's payload, already checked as JSON: Hatchet accepts any
    /// JSON there, and a run whose input is not an object (or is blank) gets <c>null</c> as its action payload's input.
    /// </summary>
    public bool InputFromEvent { get; init; }

    /// <summary>Gets the additional metadata JSON, if sent.</summary>
    public string? AdditionalMetadataJson { get; init; }

    /// <summary>Gets the payload of the event filter that let an event start the run, if any.</summary>
    public string? FilterPayloadJson { get; init; }

    /// <summary>Gets the priority, if sent.</summary>
    public int? Priority { get; init; }

    /// <summary>Gets the preferred worker id, if sent.</summary>
    public string? DesiredWorkerId { get; init; }

    /// <summary>Gets the external id of the task run spawning this run as a child, if sent.</summary>
    public string? ParentTaskRunExternalId { get; init; }

    /// <summary>Gets the child index, if sent.</summary>
    public int? ChildIndex { get; init; }

    /// <summary>Gets the child key, if sent.</summary>
    public string? ChildKey { get; init; }

    /// <summary>Gets worker labels the run asks for, or <see langword="null"/> for none.</summary>
    public IReadOnlyDictionary<string, DesiredLabel>? DesiredLabels { get; init; }
}

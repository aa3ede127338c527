using MageFlow.Hatchet.DevEngine.Core.Filters;

namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>
/// A workflow's declared event filter (<c>default_filters</c>): for events pushed with its scope, a run starts when its
/// expression holds, and the run's tasks see its payload as <c>triggers.filter_payload</c>. Registering a version with
/// declared filters replaces the workflow's previous declared filters in the <see cref="FilterStore"/>.
/// </summary>
/// <param name="Scope">The scope the filter applies to.</param>
/// <param name="Expression">Its expression.</param>
/// <param name="PayloadJson">The payload JSON, if any.</param>
internal sealed record EventFilter(string Scope, FilterExpression Expression, string? PayloadJson);

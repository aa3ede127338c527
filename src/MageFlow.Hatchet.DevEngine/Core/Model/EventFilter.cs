namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>
/// A workflow's declared event filter (<c>default_filters</c>): for events pushed with its scope, a run starts when its
/// expression holds, and the run's tasks see its payload as <c>triggers.filter_payload</c>. The dev engine has no CEL
/// evaluator, so it takes only the constant expressions <c>true</c> and <c>false</c> (and empty, which Hatchet treats as false).
/// </summary>
/// <param name="Scope">The scope the filter applies to.</param>
/// <param name="Passes">Whether its expression holds.</param>
/// <param name="PayloadJson">The payload JSON, if any.</param>
internal sealed record EventFilter(string Scope, bool Passes, string? PayloadJson);

using System.Text.Json.Nodes;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Requests;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>A validated <see cref="RunRequest"/>, ready to become a run (or to return the run it duplicates).</summary>
/// <param name="Def">The workflow version to run.</param>
/// <param name="Request">The request.</param>
/// <param name="InputJson">The input JSON (<c>{}</c> when blank).</param>
/// <param name="Input">The parsed input, when it is an object.</param>
/// <param name="Metadata">The metadata, merged with the parent's for a child run.</param>
/// <param name="Priority">The effective priority.</param>
/// <param name="Parent">The parent task run of a child run.</param>
/// <param name="DedupeKey">The child's key among its parent's children: its child key, else its child index (none without a child index).</param>
/// <param name="Existing">The child run the parent already spawned under <paramref name="DedupeKey"/>.</param>
internal sealed record PreparedTrigger(
    WorkflowDef Def,
    RunRequest Request,
    string InputJson,
    JsonObject? Input,
    JsonObject Metadata,
    int Priority,
    TaskRun? Parent,
    string? DedupeKey,
    WorkflowRun? Existing);

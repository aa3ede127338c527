using System.Text.Json.Serialization;

namespace MageFlow.Hatchet.Samples.WorkerService;

internal sealed record BatchMessage(IReadOnlyList<string> Items);

internal sealed record BatchAccepted(int Children);

internal sealed record ItemMessage(string Data);

internal sealed record ItemResult(string Data, string Scope);

/// <summary>The root's success callback gets the list of its children's results.</summary>
internal sealed record BatchDoneInput([property: JsonPropertyName("mageflow_results")] List<ItemResult>? Results);

using System.Text.Json.Serialization;

namespace MageFlow.Hatchet.Orchestration.Flows;

/// <summary>
/// Why a swarm or root failed, as its error callbacks receive it in the <c>mageflow_error</c> field of their input
/// (next to the fields of the original message). Declare a property of this type marked
/// <c>[JsonPropertyName(FlowError.FieldName)]</c>.
/// </summary>
/// <param name="Error">The reason: the root's own error (<c>root task failed: Type: message</c>), or
/// <c>swarm stopped after N failure(s)</c>.</param>
/// <param name="Children">How the children had ended when the error callbacks fired (every one had).</param>
public sealed record FlowError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("children")] FlowChildrenSummary Children)
{
    /// <summary>The input field that carries it.</summary>
    public const string FieldName = "mageflow_error";
}

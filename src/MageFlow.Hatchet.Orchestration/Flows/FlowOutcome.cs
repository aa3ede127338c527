using System.Text.Json;

namespace MageFlow.Hatchet.Orchestration.Flows;

/// <summary>How a flow ended, once the root (or swarm, chain, task) and every child have ended.</summary>
/// <param name="Status">Done, failed or cancelled.</param>
/// <param name="Result">The flow's result: the list of the children's results for a root or swarm (in the order they
/// were added), the last step's result for a chain, the output for a task; <see langword="null"/> unless done.</param>
/// <param name="Error">Why it failed or was cancelled, or <see langword="null"/>.</param>
/// <param name="Counts">How the children ended.</param>
public sealed record FlowOutcome(FlowStatus Status, JsonElement? Result, string? Error, FlowProgress Counts)
{
    /// <summary>Reads the result.</summary>
    /// <typeparam name="T">The result type (a list for roots and swarms).</typeparam>
    /// <param name="options">The JSON options (use the client's).</param>
    /// <returns>The result, or the default of <typeparamref name="T"/> when there is none.</returns>
    public T? GetResult<T>(JsonSerializerOptions? options = null) => Result is { } result ? result.Deserialize<T>(options) : default;
}

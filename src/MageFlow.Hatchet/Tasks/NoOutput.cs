namespace MageFlow.Hatchet.Tasks;

/// <summary>The output of a task whose handler returns nothing: reported to the engine as an empty JSON object
/// (Hatchet reads task outputs as objects).</summary>
public sealed record NoOutput
{
    /// <summary>Gets the one value.</summary>
    public static NoOutput Instance { get; } = new();
}

namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>A worker label's value: a string, an integer, or (oddly, but the protocol allows it) both or neither.</summary>
/// <param name="Text">The string value, if set.</param>
/// <param name="Number">The integer value, if set.</param>
internal readonly record struct LabelValue(string? Text, int? Number)
{
    /// <summary>Reads a label from a <c>Register</c> or <c>UpsertWorkerLabels</c> request.</summary>
    /// <param name="wire">The label as sent.</param>
    /// <returns>The value.</returns>
    public static LabelValue From(Protocol.WorkerLabels wire) =>
        new(wire.HasStrValue ? wire.StrValue : null, wire.HasIntValue ? wire.IntValue : null);
}

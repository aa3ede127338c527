using WireComparator = MageFlow.Hatchet.Protocol.V1.WorkerLabelComparator;

namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>A worker label a task or trigger asks for.</summary>
/// <param name="Value">The value to compare with.</param>
/// <param name="Required">Whether a worker without a matching label is ruled out.</param>
/// <param name="Comparator">How the worker's value is compared with <paramref name="Value"/>.</param>
/// <param name="Weight">What a match adds to a worker's rank (Hatchet's default is 100).</param>
internal sealed record DesiredLabel(LabelValue Value, bool Required, LabelComparator Comparator, int Weight = DesiredLabel.DefaultWeight)
{
    /// <summary>The weight of a label sent without one (<c>ProtoToDesiredWorkerLabel</c>, <c>pkg/repository/trigger.go</c>).</summary>
    public const int DefaultWeight = 100;

    /// <summary>Reads a desired label from a <c>PutWorkflow</c> or trigger request.</summary>
    /// <param name="wire">The label as sent.</param>
    /// <returns>The desired label.</returns>
    public static DesiredLabel From(Protocol.V1.DesiredWorkerLabels wire) => new(
        new LabelValue(wire.HasStrValue ? wire.StrValue : null, wire.HasIntValue ? wire.IntValue : null),
        wire.HasRequired && wire.Required,
        !wire.HasComparator ? LabelComparator.Equal : wire.Comparator switch
        {
            WireComparator.Equal => LabelComparator.Equal,
            WireComparator.NotEqual => LabelComparator.NotEqual,
            WireComparator.GreaterThan => LabelComparator.GreaterThan,
            WireComparator.GreaterThanOrEqual => LabelComparator.GreaterThanOrEqual,
            WireComparator.LessThan => LabelComparator.LessThan,
            WireComparator.LessThanOrEqual => LabelComparator.LessThanOrEqual,
            _ => LabelComparator.Unsupported,
        },
        wire.HasWeight ? wire.Weight : DefaultWeight);
}

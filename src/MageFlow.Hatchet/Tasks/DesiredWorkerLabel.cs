using System.Globalization;

namespace MageFlow.Hatchet.Tasks;

/// <summary>A label a worker must (or should) have to run a task.</summary>
/// <param name="Value">The value to compare with (a string or an int).</param>
/// <param name="Required">Whether a worker without a match may run it.</param>
/// <param name="Weight">How much a match counts when it is not required.</param>
public sealed record DesiredWorkerLabel(object Value, bool Required = false, int Weight = 100)
{
    internal Protocol.V1.DesiredWorkerLabels ToProto()
    {
        var label = new Protocol.V1.DesiredWorkerLabels { Required = Required, Weight = Weight };
        if (Value is int i)
        {
            label.IntValue = i;
        }
        else
        {
            label.StrValue = Convert.ToString(Value, CultureInfo.InvariantCulture) ?? string.Empty;
        }

        return label;
    }
}

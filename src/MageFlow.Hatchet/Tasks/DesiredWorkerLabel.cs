using System.Globalization;

namespace MageFlow.Hatchet.Tasks;

/// <summary>
/// A label a worker must (or should) have to run a task. The engine ranks the workers by the summed weights of the
/// labels they match and rules out those that miss a required one.
/// </summary>
/// <param name="Value">The value to compare with (a string or an int; the ordering comparators need an int).</param>
/// <param name="Required">Whether a worker without a match may run it.</param>
/// <param name="Weight">How much a match adds to a worker's rank.</param>
/// <param name="Comparator">How the worker's value is compared with <paramref name="Value"/>.</param>
public sealed record DesiredWorkerLabel(object Value, bool Required = false, int Weight = 100, WorkerLabelComparator Comparator = WorkerLabelComparator.Equal)
{
    internal Protocol.V1.DesiredWorkerLabels ToProto()
    {
        var label = new Protocol.V1.DesiredWorkerLabels
        {
            Required = Required,
            Weight = Weight,
            Comparator = Comparator switch
            {
                WorkerLabelComparator.NotEqual => Protocol.V1.WorkerLabelComparator.NotEqual,
                WorkerLabelComparator.GreaterThan => Protocol.V1.WorkerLabelComparator.GreaterThan,
                WorkerLabelComparator.GreaterThanOrEqual => Protocol.V1.WorkerLabelComparator.GreaterThanOrEqual,
                WorkerLabelComparator.LessThan => Protocol.V1.WorkerLabelComparator.LessThan,
                WorkerLabelComparator.LessThanOrEqual => Protocol.V1.WorkerLabelComparator.LessThanOrEqual,
                _ => Protocol.V1.WorkerLabelComparator.Equal,
            },
        };
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

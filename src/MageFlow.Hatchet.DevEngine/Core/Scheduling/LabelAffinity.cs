using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Scheduling;

/// <summary>
/// Ranks a worker by the labels a task wants, as Hatchet's scheduler does (<c>computeWeight</c>,
/// <c>pkg/scheduling/v1/worker.go</c>): every matching label adds its weight; a required label that is missing or does
/// not match rules the worker out. Equal and not-equal compare two strings or two integers; the ordering comparators
/// compare integers only (the worker's value on the left).
/// </summary>
internal static class LabelAffinity
{
    /// <summary>The labels that place a task: its run's labels when the trigger named any (they replace the task's, as
    /// Hatchet's per-task label overrides do), else the task's own.</summary>
    /// <param name="task">The task run.</param>
    /// <returns>The labels, possibly none.</returns>
    public static IReadOnlyDictionary<string, DesiredLabel> For(TaskRun task) =>
        task.Run.DesiredLabels is { Count: > 0 } runLabels ? runLabels : task.Def.DesiredLabels;

    /// <summary>Ranks a worker for a set of desired labels.</summary>
    /// <param name="worker">The worker.</param>
    /// <param name="desired">The desired labels.</param>
    /// <returns>The sum of the weights of the matching labels, or -1 when a required label does not match.</returns>
    public static int Weight(Worker worker, IReadOnlyDictionary<string, DesiredLabel> desired)
    {
        var total = 0;
        foreach (var (key, want) in desired)
        {
            var met = worker.Labels.TryGetValue(key, out var have) && Matches(have, want);
            if (met)
            {
                total += want.Weight;
            }
            else if (want.Required)
            {
                return -1;
            }
        }

        return total;
    }

    private static bool Matches(LabelValue have, DesiredLabel want)
    {
        var texts = want.Value.Text is { } wantText && have.Text is { } haveText ? string.CompareOrdinal(haveText, wantText) : (int?)null;
        var numbers = want.Value.Number is { } wantNumber && have.Number is { } haveNumber ? haveNumber.CompareTo(wantNumber) : (int?)null;
        return want.Comparator switch
        {
            LabelComparator.Equal => texts == 0 || numbers == 0,
            LabelComparator.NotEqual => texts is not null and not 0 || numbers is not null and not 0,
            LabelComparator.GreaterThan => numbers > 0,
            LabelComparator.GreaterThanOrEqual => numbers >= 0,
            LabelComparator.LessThan => numbers < 0,
            LabelComparator.LessThanOrEqual => numbers <= 0,
            _ => false,
        };
    }
}

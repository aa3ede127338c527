using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Scheduling;

/// <summary>Decides whether a worker's labels satisfy the required labels of a task and of its run.</summary>
internal static class LabelMatcher
{
    /// <summary>Tells whether a worker may run a task as far as labels go.</summary>
    /// <param name="worker">The worker.</param>
    /// <param name="task">The task run.</param>
    /// <returns><see langword="true"/> when every required label matches.</returns>
    public static bool Matches(Worker worker, TaskRun task) =>
        Satisfies(worker, task.Def.DesiredLabels) && (task.Run.DesiredLabels is null || Satisfies(worker, task.Run.DesiredLabels));

    private static bool Satisfies(Worker worker, IReadOnlyDictionary<string, DesiredLabel> desired)
    {
        foreach (var (key, want) in desired)
        {
            if (!want.Required)
            {
                continue; // preferred labels only weigh placement in Hatchet; the dev engine ignores weights
            }

            if (!worker.Labels.TryGetValue(key, out var have) || !Compare(have, want))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Compare(LabelValue have, DesiredLabel want)
    {
        int cmp;
        if (want.Value.Number is { } wantNumber && have.Number is { } haveNumber)
        {
            cmp = haveNumber.CompareTo(wantNumber);
        }
        else if (want.Value.Text is { } wantText && have.Text is { } haveText)
        {
            cmp = string.CompareOrdinal(haveText, wantText);
        }
        else
        {
            // Values of different kinds are simply not equal.
            return want.Comparator == LabelComparator.NotEqual;
        }

        return want.Comparator switch
        {
            LabelComparator.Equal => cmp == 0,
            LabelComparator.NotEqual => cmp != 0,
            LabelComparator.GreaterThan => cmp > 0,
            LabelComparator.GreaterThanOrEqual => cmp >= 0,
            LabelComparator.LessThan => cmp < 0,
            LabelComparator.LessThanOrEqual => cmp <= 0,
            _ => false,
        };
    }
}

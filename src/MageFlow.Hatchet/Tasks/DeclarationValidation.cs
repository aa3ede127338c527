using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Tasks;

/// <summary>Checks declarations when they are made, so that a bad option fails at declaration, never mid-run.</summary>
internal static class DeclarationValidation
{
    public static void Validate(string owner, TaskOptions o)
    {
        var errors = new List<string>();
        if (o.Retries < 0)
        {
            errors.Add($"Retries must not be negative ({o.Retries})");
        }

        if (o.ExecutionTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"ExecutionTimeout must be at least 1 s ({o.ExecutionTimeout})");
        }

        if (o.ScheduleTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"ScheduleTimeout must be at least 1 s ({o.ScheduleTimeout})");
        }

        // The engine's own bounds (pkg/repository/workflow.go, CreateStepOpts): out of them, PutWorkflow fails.
        if (o.BackoffFactor is { } factor && (double.IsNaN(factor) || factor < 1 || factor > 1000))
        {
            errors.Add($"BackoffFactor must be between 1 and 1000 ({factor})");
        }

        if (o.BackoffMaxSeconds is < 1 or > 86_400)
        {
            errors.Add($"BackoffMaxSeconds must be between 1 and 86400 ({o.BackoffMaxSeconds})");
        }

        if (o.DefaultPriority is < 1 or > 3)
        {
            errors.Add($"DefaultPriority must be 1, 2 or 3 ({o.DefaultPriority})");
        }

        if (o.SlotCost < 1)
        {
            errors.Add($"SlotCost must be at least 1 ({o.SlotCost})");
        }

        AddConcurrencyErrors(errors, o.Concurrency);
        if (errors.Count > 0)
        {
            throw new InvalidWorkflowException($"task '{owner}' has invalid options: " + string.Join("; ", errors));
        }
    }

    public static void Validate(string workflow, WorkflowOptions o)
    {
        var errors = new List<string>();
        if (o.DefaultPriority is < 1 or > 3)
        {
            errors.Add($"DefaultPriority must be 1, 2 or 3 ({o.DefaultPriority})");
        }

        AddConcurrencyErrors(errors, o.Concurrency);
        if (errors.Count > 0)
        {
            throw new InvalidWorkflowException($"workflow '{workflow}' has invalid options: " + string.Join("; ", errors));
        }
    }

    /// <summary>Task names are unique and every parent is declared.</summary>
    public static void ValidateGraph(string workflow, IReadOnlyList<TaskDefinition> tasks)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tasks)
        {
            if (!names.Add(t.Name))
            {
                throw new InvalidWorkflowException($"workflow '{workflow}' already has a task named '{t.Name}'");
            }
        }

        foreach (var t in tasks)
        {
            foreach (var p in t.Parents)
            {
                if (!names.Contains(p))
                {
                    throw new InvalidWorkflowException($"workflow '{workflow}': task '{t.Name}' names unknown parent '{p}'");
                }
            }
        }
    }

    private static void AddConcurrencyErrors(List<string> errors, IEnumerable<ConcurrencyLimit> limits)
    {
        foreach (var c in limits)
        {
            if (string.IsNullOrWhiteSpace(c.Expression) || c.MaxRuns < 1)
            {
                errors.Add($"concurrency '{c.Expression}' needs an expression and MaxRuns >= 1");
            }
        }
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace MageFlow.Hatchet.Runs;

/// <summary>
/// Reads Hatchet's <c>V1WorkflowRunDetails</c> JSON (api-contracts/openapi/components/schemas/v1/workflow_run.yaml)
/// into a <see cref="RunOutcome"/>: one entry per task, named by its action id's task part (<c>workflow:task</c>).
/// </summary>
internal static class RunDetailsJson
{
    /// <summary>Reads the details of a finished run.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="details">The JSON answer.</param>
    /// <param name="outcome">The outcome, when every task is final.</param>
    /// <param name="reason">Why it could not be read, otherwise.</param>
    /// <param name="final">Whether reading again cannot help.</param>
    /// <returns>Whether the outcome was read.</returns>
    public static bool TryRead(string runId, JsonElement details, [NotNullWhen(true)] out RunOutcome? outcome, out string reason, out bool final)
    {
        outcome = null;
        final = false;
        if (details.TryGetProperty("run", out var run) && run.TryGetProperty("payloadsRestricted", out var restricted) && restricted.ValueKind == JsonValueKind.True)
        {
            (reason, final) = ("the engine withheld the run's payloads (payloadsRestricted): the token may not read them", true);
            return false;
        }

        if (!details.TryGetProperty("tasks", out var tasks) || tasks.ValueKind != JsonValueKind.Array || tasks.GetArrayLength() == 0)
        {
            reason = "the run details list no tasks yet";
            return false;
        }

        var read = new List<TaskRunOutcome>(tasks.GetArrayLength());
        foreach (var task in tasks.EnumerateArray())
        {
            var status = Text(task, "status");
            var name = TaskName(task);
            var id = Text(task, "taskExternalId") ?? string.Empty;
            switch (status)
            {
                case "COMPLETED":
                    read.Add(new TaskRunOutcome(name, id, task.TryGetProperty("output", out var output) ? output.GetRawText() : "{}", null));
                    break;
                case "FAILED":
                    read.Add(new TaskRunOutcome(name, id, null, NonEmpty(Text(task, "errorMessage")) ?? "task failed"));
                    break;
                case "CANCELLED":
                    read.Add(new TaskRunOutcome(name, id, null, NonEmpty(Text(task, "errorMessage")) ?? "task was cancelled"));
                    break;
                default:
                    reason = $"task '{name}' is {status ?? "of unknown status"} in the run details";
                    return false;
            }
        }

        outcome = new RunOutcome(runId, read);
        reason = string.Empty;
        return true;
    }

    /// <summary>The run event names tasks by their readable id, which is the part of the action id after the colon.</summary>
    private static string TaskName(JsonElement task)
    {
        if (Text(task, "actionId") is { } action && action.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
        {
            return action[(colon + 1)..];
        }

        return Text(task, "displayName") ?? string.Empty;
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

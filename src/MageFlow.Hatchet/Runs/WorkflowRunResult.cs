using System.Text.Json;
using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Runs;

/// <summary>The outputs of a run that completed, by task name.</summary>
public sealed class WorkflowRunResult
{
    private readonly JsonSerializerOptions _json;

    private WorkflowRunResult(string runId, IReadOnlyDictionary<string, JsonElement> outputs, JsonSerializerOptions json)
    {
        RunId = runId;
        Outputs = outputs;
        _json = json;
    }

    /// <summary>Gets the run id.</summary>
    public string RunId { get; }

    /// <summary>Gets the raw outputs by task name.</summary>
    public IReadOnlyDictionary<string, JsonElement> Outputs { get; }

    /// <summary>Reads the outputs of a finished run.</summary>
    /// <param name="outcome">How the run ended.</param>
    /// <param name="json">The JSON options that typed reads use.</param>
    /// <returns>The result.</returns>
    /// <exception cref="TaskRunFailedException">A task failed or was cancelled.</exception>
    /// <exception cref="RunResultUnavailableException">The run finished, but its result could not be read.</exception>
    public static WorkflowRunResult FromOutcome(RunOutcome outcome, JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.ResultUnavailable is { } unavailable)
        {
            // A fresh exception per reader: one outcome can reach many awaiters.
            throw new RunResultUnavailableException(unavailable.RunId, unavailable.Reason, unavailable.InnerException);
        }

        if (!outcome.Succeeded)
        {
            throw new TaskRunFailedException(outcome.RunId, outcome.Errors());
        }

        var outputs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var task in outcome.Tasks)
        {
            if (task.OutputJson is { } output)
            {
                using var doc = JsonDocument.Parse(output.Length == 0 ? "null" : output);
                outputs[task.TaskName] = doc.RootElement.Clone();
            }
        }

        return new WorkflowRunResult(outcome.RunId, outputs, json);
    }

    /// <summary>Reads one task's output.</summary>
    /// <typeparam name="T">The output type.</typeparam>
    /// <param name="taskName">The task's name.</param>
    /// <returns>The output.</returns>
    /// <exception cref="KeyNotFoundException">The run has no output for that task.</exception>
    public T Get<T>(string taskName)
    {
        ArgumentNullException.ThrowIfNull(taskName);
        return Outputs.TryGetValue(taskName.ToLowerInvariant(), out var e)
            ? e.Deserialize<T>(_json)!
            : throw new KeyNotFoundException($"run {RunId} has no output for task '{taskName}' (has: {string.Join(", ", Outputs.Keys)})");
    }

    /// <summary>Reads the output of a one-task run (or, for a multi-task run, the object of all outputs by task name).</summary>
    internal T Single<T>(string? taskName)
    {
        if (taskName is not null && Outputs.ContainsKey(taskName))
        {
            return Get<T>(taskName);
        }

        if (Outputs.Count == 1)
        {
            return Outputs.Values.First().Deserialize<T>(_json)!;
        }

        return JsonSerializer.SerializeToElement(Outputs).Deserialize<T>(_json)!;
    }
}

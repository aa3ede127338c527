using System.Text.Json;

namespace MageFlow.Hatchet.Exceptions;

/// <summary>A run finished as failed or cancelled. Carries the error each failed task reported.</summary>
public sealed class TaskRunFailedException : HatchetException
{
    /// <summary>Initializes a new instance of the <see cref="TaskRunFailedException"/> class.</summary>
    /// <param name="runId">The workflow run id.</param>
    /// <param name="errors">The error of each failed task, by task name.</param>
    public TaskRunFailedException(string runId, IReadOnlyDictionary<string, string> errors)
        : base($"run {runId} failed: " + string.Join("; ", (errors ?? new Dictionary<string, string>()).Select(e => $"{e.Key}: {FirstLine(e.Value)}")))
    {
        ArgumentNullException.ThrowIfNull(errors);
        RunId = runId;
        Errors = errors;
    }

    /// <summary>Gets the workflow run id.</summary>
    public string RunId { get; }

    /// <summary>Gets the error each failed task reported, by task name.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; }

    /// <summary>Gets a value indicating whether the run was cancelled rather than failed.</summary>
    public bool IsCancelled => Errors.Values.Any(e => e.Contains("cancelled", StringComparison.OrdinalIgnoreCase));

    private static string FirstLine(string s)
    {
        // The TypeScript SDK reports a failure as {"message": ..., "stack": ...}: summarise it by its message.
        if (s.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(s);
                if (doc.RootElement.ValueKind == JsonValueKind.Object &&
                    doc.RootElement.TryGetProperty("message", out var message) &&
                    message.ValueKind == JsonValueKind.String)
                {
                    s = message.GetString()!;
                }
            }
            catch (JsonException)
            {
                // Not JSON: plain text.
            }
        }

        var i = s.IndexOf('\n', StringComparison.Ordinal);
        return i < 0 ? s : s[..i];
    }
}

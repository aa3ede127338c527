using System.Text.Json;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Runs;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Orchestration.Tracking;

/// <summary>Turns a run's outcome into what a signature records: its result, or its error.</summary>
internal static class RunOutcomes
{
    /// <summary>A signature run's output is <c>{"hatchet_results": X}</c> (C# and Python MageFlow); other tasks return X itself.</summary>
    private const string ResultsField = "hatchet_results";

    public static (bool Ok, string Value) Describe(RunOutcome outcome)
    {
        // A run whose result could not be read is not recorded as a success with no result: its callbacks would read
        // a null where the task returned data.
        if (outcome.ResultUnavailable is { } unavailable)
        {
            return (false, unavailable.Message);
        }

        if (!outcome.Succeeded)
        {
            return (false, string.Join("\n", outcome.Tasks.Where(t => t.Error is not null).Select(t => t.Error)));
        }

        var outputs = outcome.Tasks.Where(t => t.OutputJson is not null).ToList();
        if (outputs.Count == 1)
        {
            return (true, Unwrap(outputs[0].OutputJson!));
        }

        var all = new JsonObject();
        foreach (var t in outputs)
        {
            all[t.TaskName] = JsonNode.Parse(Unwrap(t.OutputJson!));
        }

        return (true, all.ToJsonString());
    }

    /// <summary>Wraps a signature task's output the way Python MageFlow does.</summary>
    public static string Wrap(string outputJson) => "{\"" + ResultsField + "\":" + outputJson + "}";

    public static void LogErrors(ILogger log, IReadOnlyList<string> errors)
    {
        foreach (var error in errors)
        {
            // Corrupted state of one flow: reported, and no other flow is affected.
            var parts = error.Split(':', 3);
            MageFlowLog.CorruptedState(log, parts.Length > 1 ? parts[1] : parts[0], parts.Length > 2 ? parts[2] : parts[0]);
        }
    }

    private static string Unwrap(string output)
    {
        if (string.IsNullOrWhiteSpace(output))
        {
            return "null";
        }

        try
        {
            using var doc = JsonDocument.Parse(output);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(ResultsField, out var inner))
            {
                return inner.GetRawText();
            }
        }
        catch (JsonException)
        {
        }

        return output;
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;
using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Services.Mapping;

/// <summary>
/// Writes the <c>action_payload</c> JSON of a start action (Hatchet's <c>V1StepRunData</c>: <c>input</c>,
/// <c>triggered_by</c>, <c>parents</c>, <c>triggers</c>, <c>user_data</c>, <c>overrides</c>, <c>step_run_errors</c>).
/// </summary>
/// <remarks>
/// Runs outside the engine lock, on the listen stream's writer. That is safe because everything read here is
/// fixed by the time the task is assigned: the run's input, the definitions, the on-failure errors, and the
/// outputs of the parents, which all completed before the task became ready (a completed task never changes).
/// </remarks>
internal static class ActionPayloadWriter
{
    /// <summary>Writes the payload.</summary>
    /// <param name="task">The task run being started.</param>
    /// <returns>The JSON.</returns>
    public static string Write(TaskRun task)
    {
        var run = task.Run;
        var buffer = new ArrayBufferWriter<byte>(256 + run.InputJson.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (run.Input is null)
            {
                w.WriteNull("input");
            }
            else
            {
                w.WritePropertyName("input");
                w.WriteRawValue(run.InputJson, skipInputValidation: true);
            }

            w.WriteString("triggered_by", "manual");
            w.WriteStartObject("parents");
            foreach (var parentDef in task.Def.Parents)
            {
                // Only completed parents whose output is a JSON object are passed on.
                var parent = run.Tasks[parentDef.Index];
                if (parent.State == TaskState.Completed && parent.Output is { } output && output.TrimStart().StartsWith('{'))
                {
                    w.WritePropertyName(parentDef.ReadableId);
                    w.WriteRawValue(output, skipInputValidation: true);
                }
            }

            w.WriteEndObject();
            w.WriteStartObject("triggers");
            w.WriteEndObject();
            w.WriteNull("user_data");
            w.WriteNull("overrides");
            if (task.StepRunErrorsJson is not null)
            {
                w.WritePropertyName("step_run_errors");
                w.WriteRawValue(task.StepRunErrorsJson, skipInputValidation: true);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

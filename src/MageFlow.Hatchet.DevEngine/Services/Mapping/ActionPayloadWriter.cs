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
                var parent = run.Tasks[parentDef.Index];
                if (parent.State == TaskState.Completed && parent.Output is { } output)
                {
                    WriteParentOutput(w, parentDef.ReadableId, output);
                }
            }

            w.WriteEndObject();
            // Hatchet always writes the filter payload into the triggers, null when no filter applied or the payload is
            // not an object (ToV1StepRunData in pkg/repository/input.go).
            w.WriteStartObject("triggers");
            if (run.FilterPayloadJson is { } filterPayload && filterPayload.TrimStart().StartsWith('{'))
            {
                w.WritePropertyName("filter_payload");
                w.WriteRawValue(filterPayload, skipInputValidation: true);
            }
            else
            {
                w.WriteNull("filter_payload");
            }

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

    /// <summary>
    /// Writes a parent's output as Hatchet passes it on: it unmarshals the output into a map and keeps the map even when
    /// that fails (ToV1StepRunData in pkg/repository/input.go), so an object stays as it is, <c>null</c> stays
    /// <c>null</c>, and an array or a scalar becomes <c>{}</c>. The output is valid JSON, so its first character tells.
    /// </summary>
    private static void WriteParentOutput(Utf8JsonWriter w, string parentName, string output)
    {
        w.WritePropertyName(parentName);
        var text = output.AsSpan().TrimStart();
        switch (text.IsEmpty ? '\0' : text[0])
        {
            case '{':
                w.WriteRawValue(output, skipInputValidation: true);
                break;
            case 'n':
                w.WriteNullValue();
                break;
            default:
                w.WriteStartObject();
                w.WriteEndObject();
                break;
        }
    }
}

using System.Text.Json;
using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Tasks;

/// <summary>Turns a typed handler into what the worker runs: JSON input in, JSON output out.</summary>
internal static class HandlerAdapter
{
    public static Func<TaskContext, JsonSerializerOptions, Task<string>> Wrap<TIn, TOut>(Func<TIn, TaskContext, Task<TOut>> handler) =>
        async (ctx, json) =>
        {
            TIn input;
            try
            {
                input = ctx.Input.ValueKind == JsonValueKind.Undefined ? default! : ctx.Input.Deserialize<TIn>(json)!;
            }
            catch (JsonException e)
            {
                throw new NonRetryableException($"the input of task '{ctx.TaskName}' could not be read as {typeof(TIn).Name}: {e.Message}", e);
            }

            var output = await handler(input, ctx).ConfigureAwait(false);
            try
            {
                return output is null ? "{}" : JsonSerializer.Serialize(output, json);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
            {
                throw new NonRetryableException($"the output of task '{ctx.TaskName}' ({typeof(TOut).Name}) could not be serialized to JSON: {e.Message}", e);
            }
        };
}

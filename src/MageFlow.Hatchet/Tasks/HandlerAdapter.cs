using System.Text.Json;
using System.Text.RegularExpressions;
using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Tasks;

/// <summary>Turns a typed handler into what the worker runs: JSON input in, JSON output out.</summary>
internal static partial class HandlerAdapter
{
    public static Func<TaskContext, JsonSerializerOptions, Task<string>> Wrap<TIn, TOut>(Func<TIn, TaskContext, Task<TOut>> handler) =>
        async (ctx, json) =>
        {
            var output = await handler(ReadInput<TIn>(ctx, json), ctx).ConfigureAwait(false);
            try
            {
                return output is null ? "{}" : JsonSerializer.Serialize(output, json);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
            {
                throw new NonRetryableException($"the output of task '{ctx.TaskName}' ({typeof(TOut).Name}) could not be serialized to JSON: {e.Message}", e);
            }
        };

    /// <summary>A handler without output: the task reports an empty object.</summary>
    public static Func<TIn, TaskContext, Task<NoOutput>> WithoutOutput<TIn>(Func<TIn, TaskContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return async (input, ctx) =>
        {
            await handler(input, ctx).ConfigureAwait(false);
            return NoOutput.Instance;
        };
    }

    private static TIn ReadInput<TIn>(TaskContext ctx, JsonSerializerOptions json)
    {
        try
        {
            return ctx.Input.ValueKind == JsonValueKind.Undefined ? default! : ctx.Input.Deserialize<TIn>(json)!;
        }
        catch (JsonException e)
        {
            var path = e.Path ?? "$";
            var expectedType = ConvertedTo().Match(e.Message) is { Success: true } m ? m.Groups["type"].Value : typeof(TIn).FullName ?? typeof(TIn).Name;
            throw new InputBindingException(ctx.TaskName, typeof(TIn).Name, path, expectedType, ShapeOf(expectedType), ActualShape(ctx.Input, path), e);
        }
    }

    /// <summary>The JSON shape a .NET type reads from, by its name as System.Text.Json reports it.</summary>
    private static string ShapeOf(string typeName) =>
        typeName switch
        {
            _ when typeName.Contains("[]", StringComparison.Ordinal) || typeName.Contains("List`", StringComparison.Ordinal) ||
                   typeName.Contains("Enumerable`", StringComparison.Ordinal) || typeName.Contains("Collection`", StringComparison.Ordinal) ||
                   typeName.Contains("Set`", StringComparison.Ordinal) => "an array",
            "System.String" or "System.Char" or "System.Guid" or "System.DateTime" or "System.DateTimeOffset" or "System.TimeSpan" => "a string",
            "System.Boolean" => "true or false",
            _ when typeName.StartsWith("System.Int", StringComparison.Ordinal) || typeName.StartsWith("System.UInt", StringComparison.Ordinal) ||
                   typeName is "System.Double" or "System.Single" or "System.Decimal" or "System.Byte" or "System.SByte" => "a number",
            _ => "an object",
        };

    /// <summary>The shape of the value at a System.Text.Json path (<c>$.a.b[2]</c>, <c>$['a b']</c>) of the input.</summary>
    private static string ActualShape(JsonElement input, string path)
    {
        var node = input;
        foreach (Match step in PathStep().Matches(path))
        {
            if (step.Groups["index"].Success)
            {
                var i = int.Parse(step.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (node.ValueKind != JsonValueKind.Array || i >= node.GetArrayLength())
                {
                    return "missing";
                }

                node = node[i];
            }
            else
            {
                var name = step.Groups["name"].Success ? step.Groups["name"].Value : step.Groups["quoted"].Value;
                if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(name, out node))
                {
                    return "missing";
                }
            }
        }

        return node.ValueKind switch
        {
            JsonValueKind.Object => $"an object ({Abbreviate(node)})",
            JsonValueKind.Array => $"an array of {node.GetArrayLength()} ({Abbreviate(node)})",
            JsonValueKind.String => $"a string ({Abbreviate(node)})",
            JsonValueKind.Number => $"a number ({node.GetRawText()})",
            JsonValueKind.True or JsonValueKind.False => node.GetRawText(),
            _ => "null",
        };
    }

    private static string Abbreviate(JsonElement node)
    {
        var text = node.GetRawText();
        return text.Length <= 80 ? text : text[..77] + "...";
    }

    [GeneratedRegex(@"converted to (?<type>[^\s]+?)\.\s+Path:")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"\.(?<name>[^.\[\]]+)|\['(?<quoted>[^']*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathStep();
}

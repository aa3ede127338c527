using System.Text.Json;
using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Tasks;

/// <summary>
/// What the engine does with a task's output, checked before it is reported so that nothing is lost on the way.
/// The engine passes a parent's output to its children as a JSON object: anything else reaches them as <c>{}</c>
/// (the Python SDK rejects non-object outputs of every task; C# allows them where no task reads them, e.g. a
/// single-task workflow's result). Its store (PostgreSQL <c>jsonb</c>) rejects the NUL character. The report that
/// carries the output is one gRPC message: an output over the message limit could not be reported at all, and the run
/// would wait for its timeout.
/// </summary>
internal static class TaskOutputRules
{
    /// <summary>Room in the report for its other fields (ids, timestamps, the event type).</summary>
    private const int ReportEnvelope = 8 * 1024;

    /// <exception cref="InvalidTaskOutputException">The output would be lost or refused.</exception>
    public static void Check(TaskDefinition task, string output, int maxMessageSize)
    {
        // Cheap test first: a string can be at most three UTF-8 bytes per UTF-16 character.
        if ((long)output.Length * 3 > maxMessageSize - ReportEnvelope && System.Text.Encoding.UTF8.GetByteCount(output) is var bytes && bytes > maxMessageSize - ReportEnvelope)
        {
            throw new InvalidTaskOutputException(
                $"task '{task.Name}' returned {bytes} bytes of JSON, over the gRPC message limit of {maxMessageSize} bytes that its report must fit in " +
                "(HATCHET_CLIENT_GRPC_MAX_SEND_MESSAGE_LENGTH here, SERVER_GRPC_MAX_MSG_SIZE on the engine); store large data elsewhere and return a reference to it");
        }

        if (task.FeedsOtherTasks)
        {
            var kind = FirstToken(output);
            if (kind is not (JsonTokenType.StartObject or JsonTokenType.Null or JsonTokenType.None))
            {
                throw new InvalidTaskOutputException(
                    $"task '{task.Name}' returned a JSON {Describe(kind)}, but other tasks of workflow '{task.Owner.WorkflowName}' read its output, " +
                    "and the engine passes a parent's output to its children only as a JSON object (a record, class or dictionary); wrap the value in one");
            }
        }

        if (HasEscapedNul(output))
        {
            throw new InvalidTaskOutputException($"task '{task.Name}' returned text with a NUL character (\\u0000), which the engine cannot store; remove it from the output");
        }
    }

    // The output is valid JSON (the serializer wrote it): its first character tells its kind, however large it is.
    private static JsonTokenType FirstToken(string json)
    {
        foreach (var c in json)
        {
            switch (c)
            {
                case ' ' or '\t' or '\r' or '\n':
                    continue;
                case '{':
                    return JsonTokenType.StartObject;
                case '[':
                    return JsonTokenType.StartArray;
                case '"':
                    return JsonTokenType.String;
                case 't':
                    return JsonTokenType.True;
                case 'f':
                    return JsonTokenType.False;
                case 'n':
                    return JsonTokenType.Null;
                default:
                    return JsonTokenType.Number;
            }
        }

        return JsonTokenType.None;
    }

    private static string Describe(JsonTokenType kind) =>
        kind switch
        {
            JsonTokenType.StartArray => "array",
            JsonTokenType.String => "string",
            JsonTokenType.Number => "number",
            JsonTokenType.True or JsonTokenType.False => "boolean",
            JsonTokenType.Null => "null",
            _ => kind.ToString(),
        };

    // "\u0000" after an even number of other backslashes (an odd count in all) is an escaped NUL; "\\u0000" is text.
    private static bool HasEscapedNul(string json)
    {
        for (var i = json.IndexOf("u0000", StringComparison.Ordinal); i >= 0; i = json.IndexOf("u0000", i + 5, StringComparison.Ordinal))
        {
            var slashes = 0;
            for (var j = i - 1; j >= 0 && json[j] == '\\'; j--)
            {
                slashes++;
            }

            if (slashes % 2 == 1)
            {
                return true;
            }
        }

        return false;
    }
}

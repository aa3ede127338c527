using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Core;

internal sealed partial class EngineState
{
    private const int MaxLogLinesPerTask = 1000;
    private readonly Dictionary<string, List<TaskLogLine>> _logs = new(StringComparer.Ordinal);

    public void AppendLog(string taskId, string level, string message)
    {
        lock (_gate)
        {
            if (!_tasks.ContainsKey(taskId ?? string.Empty))
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"task run '{taskId}' does not exist"));
            }

            if (!_logs.TryGetValue(taskId!, out var lines))
            {
                _logs[taskId!] = lines = [];
            }

            if (lines.Count < MaxLogLinesPerTask)
            {
                lines.Add(new TaskLogLine(Now, level, message));
            }
        }
    }

    /// <summary>Accepts a stream chunk for an existing task run (chunks are not kept: no run streaming yet).</summary>
    public void AppendStream(string taskId)
    {
        lock (_gate)
        {
            if (!_tasks.ContainsKey(taskId ?? string.Empty))
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"task run '{taskId}' does not exist"));
            }
        }
    }

    public IReadOnlyList<TaskLogLine> GetLogs(string taskId)
    {
        lock (_gate)
        {
            return _logs.TryGetValue(taskId, out var lines) ? lines.ToArray() : [];
        }
    }
}

/// <summary>One line a task logged through <c>EventsService/PutLog</c>.</summary>
/// <param name="At">When the engine received it.</param>
/// <param name="Level">The level the SDK sent (DEBUG, INFO, WARN, ERROR).</param>
/// <param name="Message">The text.</param>
public sealed record TaskLogLine(DateTimeOffset At, string Level, string Message);

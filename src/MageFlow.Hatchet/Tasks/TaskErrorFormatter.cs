using System.Text;

namespace MageFlow.Hatchet.Tasks;

/// <summary>Formats a task's failure the way a worker reports it to the engine: type and message, then the stack.</summary>
public static class TaskErrorFormatter
{
    /// <summary>Formats <paramref name="error"/> as the text the engine records for a failed task run.</summary>
    /// <param name="error">The failure.</param>
    /// <returns>The text.</returns>
    public static string Format(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var sb = new StringBuilder();
        sb.Append(error.GetType().Name).Append(": ").Append(error.Message);
        if (error.StackTrace is { } stack)
        {
            sb.Append('\n').Append(stack);
        }

        return sb.ToString();
    }
}

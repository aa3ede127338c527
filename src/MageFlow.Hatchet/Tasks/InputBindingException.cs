using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Tasks;

/// <summary>A task's input does not fit its input type (for example a MageFlow callback given results of another
/// shape). Never retried: the same input would fail again.</summary>
internal sealed class InputBindingException(string taskName, string inputType, string field, string expectedType, string expectedShape, string actualShape, Exception inner)
    : NonRetryableException($"the input of task '{taskName}' could not be read as {inputType}: field {field} should be {expectedShape} ({expectedType}) but is {actualShape}", inner)
{
    public string TaskName { get; } = taskName;

    public string Field { get; } = field;

    public string ExpectedType { get; } = expectedType;

    public string ExpectedShape { get; } = expectedShape;

    public string ActualShape { get; } = actualShape;
}

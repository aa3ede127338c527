namespace MageFlow.Hatchet.Exceptions;

/// <summary>
/// A task returned an output the engine cannot carry: a value other than a JSON object from a task whose output other
/// tasks read (a DAG parent), or text with a NUL character (<c>\u0000</c>), which the engine's store rejects. Retrying
/// would return the same output, so the run fails without retries.
/// </summary>
public sealed class InvalidTaskOutputException : NonRetryableException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidTaskOutputException"/> class.</summary>
    /// <param name="message">What is wrong with the output.</param>
    public InvalidTaskOutputException(string message)
        : base(message)
    {
    }
}

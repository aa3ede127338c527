namespace MageFlow.Hatchet.Exceptions;

/// <summary>Throw from a task to fail it without retries (Hatchet's <c>should_not_retry</c>).</summary>
public class NonRetryableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="NonRetryableException"/> class.</summary>
    public NonRetryableException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NonRetryableException"/> class.</summary>
    /// <param name="message">Why the task failed.</param>
    public NonRetryableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NonRetryableException"/> class.</summary>
    /// <param name="message">Why the task failed.</param>
    /// <param name="innerException">The cause.</param>
    public NonRetryableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace MageFlow.Hatchet.Exceptions;

/// <summary>A task or workflow declaration is invalid (thrown when it is declared, never mid-run).</summary>
public sealed class InvalidWorkflowException : HatchetConfigurationException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidWorkflowException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    public InvalidWorkflowException(string message)
        : base(message)
    {
    }
}

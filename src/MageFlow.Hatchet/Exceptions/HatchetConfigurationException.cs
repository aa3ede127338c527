namespace MageFlow.Hatchet.Exceptions;

/// <summary>
/// Settings are missing or invalid: client, worker or MageFlow options, or a task or workflow declaration
/// (<see cref="InvalidWorkflowException"/>). The message lists every problem at once and says how to fix it;
/// it never contains the token.
/// </summary>
public class HatchetConfigurationException : HatchetException
{
    /// <summary>Initializes a new instance of the <see cref="HatchetConfigurationException"/> class.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public HatchetConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Throws one exception listing every error, if there are any.</summary>
    /// <param name="what">What was checked, such as <c>HatchetWorkerOptions</c>.</param>
    /// <param name="errors">The problems found.</param>
    /// <exception cref="HatchetConfigurationException">At least one problem was found.</exception>
    public static void ThrowIfAny(string what, IReadOnlyCollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count > 0)
        {
            throw new HatchetConfigurationException($"Invalid {what}: " + string.Join(" ", errors));
        }
    }
}

namespace MageFlow.Hatchet.DevEngine.Cli;

/// <summary>
/// A failure the user can fix (a bad key file, a taken port). It becomes one line on stderr and an exit code,
/// never a stack trace: the message must say what is wrong and what to do.
/// </summary>
internal sealed class CliError(string message, int exitCode = ExitCodes.CannotStart) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

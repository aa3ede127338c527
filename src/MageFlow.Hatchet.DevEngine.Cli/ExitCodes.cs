namespace MageFlow.Hatchet.DevEngine.Cli;

/// <summary>The exit codes of <c>hatchet-dev-engine</c>, documented in docs/dev-engine.md.</summary>
internal static class ExitCodes
{
    /// <summary>Stopped by Ctrl+C or SIGTERM after a normal run, or --help / --version.</summary>
    public const int Ok = 0;

    /// <summary>The engine could not start: port in use, unreadable key file, unwritable env file.</summary>
    public const int CannotStart = 1;

    /// <summary>The command line is wrong: unknown option, bad or missing value, non-loopback host without --allow-remote.</summary>
    public const int Usage = 2;
}

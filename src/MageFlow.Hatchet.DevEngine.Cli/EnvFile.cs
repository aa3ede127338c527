namespace MageFlow.Hatchet.DevEngine.Cli;

/// <summary>Writes the <c>HATCHET_CLIENT_*</c> dotenv file. It holds a token, so only its owner may read it.</summary>
internal static class EnvFile
{
    public static async Task WriteAsync(string path, string dotenv, CancellationToken cancellationToken)
    {
        try
        {
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir)
            {
                Directory.CreateDirectory(dir);
            }

            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var writer = new StreamWriter(path, options))
            {
                await writer.WriteAsync(dotenv.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            if (!OperatingSystem.IsWindows())
            {
                // UnixCreateMode applies only to a new file; an older env file keeps its mode unless it is set here.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"cannot write env file {path}: {e.Message}");
        }
    }
}

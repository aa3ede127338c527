using System.Security.Cryptography;

namespace MageFlow.Hatchet.DevEngine.Cli;

/// <summary>
/// The engine's token signing key on disk, so a restarted engine accepts the tokens it issued before (SDKs and
/// dotenv files keep working across restarts). The file holds the key in base64 and only its owner may read it: anyone
/// who reads it can mint tokens for the engine.
/// </summary>
internal static class SigningKeyFile
{
    private const int KeyBytes = 32;
    private const int MinKeyBytes = 16;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The key file used when only an env file is given: beside it, so the pair travels together.</summary>
    public static string BesideEnvFile(string envFile) => envFile + ".key";

    /// <summary>Reads the key from <paramref name="path"/>, creating the file with a new random key when it is missing.</summary>
    /// <exception cref="CliError">The file cannot be read or written, or does not hold a usable key.</exception>
    public static byte[] LoadOrCreate(string path)
    {
        try
        {
            return File.Exists(path) ? Read(path) : Create(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"cannot use key file {path}: {e.Message}");
        }
    }

    private static byte[] Read(string path)
    {
        var text = File.ReadAllText(path).Trim();
        try
        {
            var key = Convert.FromBase64String(text);
            if (key.Length >= MinKeyBytes)
            {
                return key;
            }
        }
        catch (FormatException)
        {
            // Reported below with the same message as a short key.
        }

        throw new CliError($"key file {path} does not hold a base64 key of at least {MinKeyBytes} bytes; delete it to have a new one made (tokens issued with the old key stop working)");
    }

    private static byte[] Create(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir)
        {
            Directory.CreateDirectory(dir);
        }

        var key = RandomNumberGenerator.GetBytes(KeyBytes);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created with owner-only permissions, so the key is never readable by others, not even for a moment.
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using var writer = new StreamWriter(path, options);
            writer.WriteLine(Convert.ToBase64String(key));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another engine created it first: use its key, so both accept the same tokens.
            return Read(path);
        }

        return key;
    }
}

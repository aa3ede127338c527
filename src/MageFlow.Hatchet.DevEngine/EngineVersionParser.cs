namespace MageFlow.Hatchet.DevEngine;

/// <summary>Parses <c>vX.Y.Z[-suffix]</c> engine versions.</summary>
internal static class EngineVersionParser
{
    public static bool TryParse(string? value, out Version version)
    {
        version = new Version(0, 0);
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var core = value.TrimStart('v').Split('-')[0];
        var parts = core.Split('.');
        return parts.Length == 3 && Version.TryParse(core, out version!);
    }
}

namespace MageFlow.Hatchet.Tasks;

/// <summary>Formats durations the way Hatchet expects them (<c>Ns</c>, <c>Nm</c>, <c>Nh</c>).</summary>
internal static class Durations
{
    public static string Format(TimeSpan t)
    {
        var seconds = (long)Math.Ceiling(t.TotalSeconds);
        return seconds % 3600 == 0 ? $"{seconds / 3600}h"
            : seconds % 60 == 0 ? $"{seconds / 60}m"
            : $"{seconds}s";
    }
}

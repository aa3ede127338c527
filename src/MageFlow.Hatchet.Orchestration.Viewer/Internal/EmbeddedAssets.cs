using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace MageFlow.Hatchet.Orchestration.Viewer.Internal;

/// <summary>The page's files, read once from the assembly's resources (see the project file).</summary>
internal static class EmbeddedAssets
{
    private static readonly ConcurrentDictionary<string, byte[]?> Cache = new(StringComparer.Ordinal);

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    public static IResult Serve(string name)
    {
        var bytes = Cache.GetOrAdd(name, Load);
        if (bytes is null || !ContentTypes.TryGetValue(Path.GetExtension(name), out var type))
        {
            return Results.NotFound();
        }

        return Results.Bytes(bytes, type);
    }

    private static byte[]? Load(string name)
    {
        // Only plain file names: the resource names are fixed, and nothing else is served.
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        using var stream = typeof(EmbeddedAssets).Assembly.GetManifestResourceStream("MageFlow.Viewer." + name);
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

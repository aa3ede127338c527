using System.Text;
using System.Text.Json;
using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Client;

/// <summary>The claims of a Hatchet API token that the SDK reads (the signature is the engine's business).</summary>
internal sealed record HatchetToken(string TenantId, string? ServerUrl, string? GrpcBroadcastAddress)
{
    public static HatchetToken Parse(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new HatchetConfigurationException(
                "No Hatchet token: set HATCHET_CLIENT_TOKEN (or HatchetClientOptions.Token) to an API token from your Hatchet tenant, or from the dev engine's env file.");
        }

        var parts = token.Trim().Split('.');
        if (parts.Length != 3 || !token.TrimStart().StartsWith("ey", StringComparison.Ordinal))
        {
            throw new HatchetConfigurationException(
                $"HATCHET_CLIENT_TOKEN is not a JWT (expected three base64url parts starting with 'ey', got {parts.Length} part(s) of {token.Length} characters). Copy the whole token from Hatchet's API token page.");
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            var root = doc.RootElement;
            var sub = root.TryGetProperty("sub", out var s) ? s.GetString() : null;
            if (string.IsNullOrEmpty(sub))
            {
                throw new HatchetConfigurationException("HATCHET_CLIENT_TOKEN has no 'sub' (tenant id) claim; it is not a Hatchet API token.");
            }

            return new HatchetToken(
                sub,
                root.TryGetProperty("server_url", out var u) ? u.GetString() : null,
                root.TryGetProperty("grpc_broadcast_address", out var g) ? g.GetString() : null);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or DecoderFallbackException)
        {
            throw new HatchetConfigurationException("HATCHET_CLIENT_TOKEN's claims could not be decoded (bad base64url or JSON); it is not a Hatchet API token.");
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MageFlow.Hatchet.DevEngine.Hosting;

/// <summary>
/// Mints and checks the engine's API tokens: HS256 JWTs carrying the claims Hatchet SDKs read
/// (<c>sub</c> = tenant id, <c>server_url</c>, <c>grpc_broadcast_address</c>, <c>token_id</c>).
/// </summary>
internal sealed class TokenService
{
    private const string Issuer = "hatchet-dev-engine";
    private readonly byte[] _key;
    private readonly Guid _tenantId;
    private readonly TimeProvider _time;

    // Tokens already checked, with their expiry: SDKs send the same token on every call, and checking an
    // HMAC and parsing claims per call is measurable at thousands of calls per second.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _valid = new(StringComparer.Ordinal);

    public TokenService(byte[] key, Guid tenantId, TimeProvider time)
    {
        _key = key;
        _tenantId = tenantId;
        _time = time;
    }

    public string Mint(string serverUrl, string grpcBroadcastAddress, TimeSpan lifetime)
    {
        var now = _time.GetUtcNow();
        var header = Base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8);
        var claims = new Dictionary<string, object>
        {
            ["sub"] = _tenantId.ToString(),
            ["iss"] = Issuer,
            ["aud"] = Issuer,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
            ["token_id"] = Guid.NewGuid().ToString(),
            ["server_url"] = serverUrl,
            ["grpc_broadcast_address"] = grpcBroadcastAddress,
        };
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signingInput = header + "." + payload;
        var signature = Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signingInput)));
        return signingInput + "." + signature;
    }

    /// <summary>Checks a bearer token. Returns null when it is valid, else why not (never echoing the token).</summary>
    public string? Validate(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return "missing bearer token";
        }

        if (_valid.TryGetValue(token, out var validUntil) && validUntil >= _time.GetUtcNow().ToUnixTimeSeconds())
        {
            return null;
        }

        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return "malformed token: expected a JWT with three parts";
        }

        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        byte[] actual;
        try
        {
            actual = FromBase64Url(parts[2]);
        }
        catch (FormatException)
        {
            return "malformed token signature";
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            return "token was not issued by this engine";
        }

        try
        {
            using var doc = JsonDocument.Parse(FromBase64Url(parts[1]));
            var root = doc.RootElement;
            if (!root.TryGetProperty("sub", out var sub) || sub.GetString() != _tenantId.ToString())
            {
                return "token is for another tenant";
            }

            var expSeconds = long.MaxValue;
            if (root.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out expSeconds) &&
                expSeconds < _time.GetUtcNow().ToUnixTimeSeconds())
            {
                return "token has expired";
            }

            if (_valid.Count < 1024)
            {
                _valid[token] = expSeconds;
            }
        }
        catch (JsonException)
        {
            return "malformed token claims";
        }
        catch (FormatException)
        {
            return "malformed token claims";
        }

        return null;
    }

    /// <summary>Extracts the token from an <c>authorization</c> header value (scheme compared case-insensitively).</summary>
    public static string? FromAuthorizationHeader(string? header)
    {
        if (header is null)
        {
            return null;
        }

        const string scheme = "bearer ";
        return header.Length > scheme.Length && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            ? header[scheme.Length..].Trim()
            : null;
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        b = b.PadRight(b.Length + ((4 - (b.Length % 4)) % 4), '=');
        return Convert.FromBase64String(b);
    }
}

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace MageFlow.Hatchet.Client;

/// <summary>
/// The TLS side of <c>HATCHET_CLIENT_TLS_*</c>, shared by the gRPC channel and the REST client: a private root CA
/// replaces the system's trust store when one is given, and <see cref="TlsStrategy.Mtls"/> presents the client
/// certificate. Host names are always checked.
/// </summary>
internal static class EngineTls
{
    /// <summary>The client options for one connection; <paramref name="serverName"/> overrides the host checked, when set.</summary>
    public static SslClientAuthenticationOptions Build(HatchetClientOptions options, string? serverName)
    {
        var ssl = new SslClientAuthenticationOptions();
        if (serverName is not null)
        {
            ssl.TargetHost = serverName;
        }

        if (options.TlsRootCaFile is { } caFile)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            ssl.RemoteCertificateValidationCallback = (_, cert, _, errors) => IsTrusted(cert, errors, roots);
        }

        if (options.TlsStrategy == TlsStrategy.Mtls)
        {
            ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(options.TlsCertFile!, options.TlsKeyFile)];
        }

        return ssl;
    }

    private static bool IsTrusted(X509Certificate? cert, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (cert is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(cert);
        return chain.Build(leaf);
    }
}

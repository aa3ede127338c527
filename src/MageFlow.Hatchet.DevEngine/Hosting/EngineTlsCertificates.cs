using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace MageFlow.Hatchet.DevEngine.Hosting;

/// <summary>
/// The engine's TLS material, read once at start from <see cref="DevEngineOptions"/>: its certificate with key, and for
/// mutual TLS the CA its gRPC clients' certificates must chain to.
/// </summary>
internal sealed class EngineTlsCertificates
{
    private readonly X509Certificate2 _server;

    private EngineTlsCertificates(X509Certificate2 server, X509Certificate2Collection? clientCa)
    {
        _server = server;
        ClientCa = clientCa;
    }

    public X509Certificate2Collection? ClientCa { get; }

    public static EngineTlsCertificates Load(DevEngineOptions options)
    {
        try
        {
            var server = X509Certificate2.CreateFromPemFile(options.TlsCertificateFile!, options.TlsKeyFile);
            X509Certificate2Collection? ca = null;
            if (options.TlsClientCaFile is { } caFile)
            {
                ca = [];
                ca.ImportFromPemFile(caFile);
            }

            return new EngineTlsCertificates(server, ca);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"Invalid DevEngineOptions: the TLS certificate, key or client CA could not be read: {e.Message}", e);
        }
    }

    /// <summary>Serves TLS on a listener; the gRPC one asks for a client certificate under mutual TLS.</summary>
    public void Apply(ListenOptions listener, bool requireClientCertificate) =>
        listener.UseHttps(https =>
        {
            https.ServerCertificate = _server;
            if (ClientCa is not null && requireClientCertificate)
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (certificate, _, _) => IssuedByClientCa(certificate);
            }
        });

    private bool IssuedByClientCa(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ClientCa!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}

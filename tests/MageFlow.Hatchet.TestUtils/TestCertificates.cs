using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>
/// A private PKI made for one test, as PEM files in a temporary folder: a CA; a server certificate for
/// <c>localhost</c> and <c>127.0.0.1</c>; a client certificate; and a second CA with a client certificate of its own,
/// which nothing trusts. Valid from yesterday to tomorrow. Disposing deletes the folder.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.pem");

    public string ServerCertFile => Path.Combine(Directory, "server.pem");

    public string ServerKeyFile => Path.Combine(Directory, "server.key");

    public string ClientCertFile => Path.Combine(Directory, "client.pem");

    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    public string OtherCaFile => Path.Combine(Directory, "other-ca.pem");

    public string OtherClientCertFile => Path.Combine(Directory, "other-client.pem");

    public string OtherClientKeyFile => Path.Combine(Directory, "other-client.key");

    public static TestCertificates Create()
    {
        var certificates = new TestCertificates(System.IO.Directory.CreateTempSubdirectory("mageflow-tls-").FullName);
        using var ca = NewCa("MageFlow test CA", certificates.CaFile);
        Issue(ca, "localhost", server: true, certificates.ServerCertFile, certificates.ServerKeyFile);
        Issue(ca, "mageflow-test-client", server: false, certificates.ClientCertFile, certificates.ClientKeyFile);
        using var other = NewCa("Some other CA", certificates.OtherCaFile);
        Issue(other, "someone-else", server: false, certificates.OtherClientCertFile, certificates.OtherClientKeyFile);
        return certificates;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private static X509Certificate2 NewCa(string name, string certFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(certFile, ca.ExportCertificatePem());
        return ca;
    }

    private static void Issue(X509Certificate2 ca, string name, bool server, string certFile, string keyFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        using var ecdsa = ca.GetECDsaPrivateKey()!;
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var issued = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(ecdsa), DateTimeOffset.UtcNow.AddHours(-23), DateTimeOffset.UtcNow.AddHours(23), serial);
        File.WriteAllText(certFile, issued.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }
}

namespace MageFlow.Hatchet;

/// <summary>How the client secures its connection to the engine (<c>HATCHET_CLIENT_TLS_STRATEGY</c>).</summary>
public enum TlsStrategy
{
    /// <summary>TLS with the system's trust store, or <see cref="HatchetClientOptions.TlsRootCaFile"/>. Hatchet's default.</summary>
    Tls,

    /// <summary>Mutual TLS: also presents <see cref="HatchetClientOptions.TlsCertFile"/> and <see cref="HatchetClientOptions.TlsKeyFile"/>.</summary>
    Mtls,

    /// <summary>Cleartext HTTP/2 (h2c), for the dev engine and local engines only.</summary>
    None,
}

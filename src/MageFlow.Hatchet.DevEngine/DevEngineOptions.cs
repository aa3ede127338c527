using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.DevEngine;

/// <summary>
/// Settings for an in-process <see cref="HatchetDevEngine"/>. The defaults suit tests: loopback, ephemeral ports.
/// </summary>
public sealed class DevEngineOptions
{
    /// <summary>Gets or sets the address the engine binds to.</summary>
    /// <value>The default value is <c>127.0.0.1</c>. The engine refuses to bind anything but a loopback address unless <see cref="AllowNonLoopback"/> is set.</value>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Gets or sets the gRPC port (HTTP/2 cleartext).</summary>
    /// <value>The default value is 0, which picks a free port.</value>
    public int GrpcPort { get; set; }

    /// <summary>Gets or sets the port of the small REST API (HTTP/1.1) that SDKs call for worker pause and task cancel.</summary>
    /// <value>The default value is 0, which picks a free port.</value>
    public int RestPort { get; set; }

    /// <summary>Gets or sets a value indicating whether a non-loopback <see cref="Host"/> is allowed.</summary>
    /// <value>The default value is <see langword="false"/>: a dev engine has no real authentication story and should not face a network.</value>
    public bool AllowNonLoopback { get; set; }

    /// <summary>Gets or sets the tenant id put in the <c>sub</c> claim of minted tokens.</summary>
    /// <value>The default value is a fixed, well-known id so tokens of one machine are recognisable.</value>
    public Guid TenantId { get; set; } = new("707d0855-80ab-4e1f-a156-f1c4546cbf52");

    /// <summary>Gets or sets the HMAC key that signs minted tokens. Tokens signed with another key are rejected.</summary>
    /// <value>The default value is <see langword="null"/>: a random key per engine instance.</value>
    public byte[]? SigningKey { get; set; }

    /// <summary>Gets or sets the version string returned by <c>Dispatcher/GetVersion</c>.</summary>
    /// <value>The default value is <c>v0.104.7</c>, the Hatchet version whose protocol the engine serves. The official
    /// SDKs choose their durable protocol from this version: from v0.80.0 on the durable event-log stream
    /// (<c>DurableTask</c>), before it <c>RegisterDurableEvent</c>/<c>ListenForDurableEvent</c>; the engine serves both,
    /// so an older version here makes SDKs use the older protocol. From v0.78.23 on they register workers with
    /// <c>slot_config</c>.</value>
    public string EngineVersion { get; set; } = "v0.104.7";

    /// <summary>
    /// Gets or sets the server certificate (PEM) the engine serves TLS with, on both its gRPC and REST ports. With
    /// <see cref="TlsKeyFile"/>; <see langword="null"/> (the default) serves cleartext.
    /// </summary>
    public string? TlsCertificateFile { get; set; }

    /// <summary>Gets or sets the private key (PEM) of <see cref="TlsCertificateFile"/>.</summary>
    public string? TlsKeyFile { get; set; }

    /// <summary>
    /// Gets or sets the CA (PEM) whose certificates gRPC clients must present (mutual TLS, <c>HATCHET_CLIENT_TLS_STRATEGY=mtls</c>).
    /// The REST port asks for no client certificate, as Hatchet's API server does not. Needs <see cref="TlsCertificateFile"/>.
    /// </summary>
    public string? TlsClientCaFile { get; set; }

    /// <summary>Gets or sets how long a worker stays schedulable after its last heartbeat.</summary>
    /// <value>The default value is 5 seconds, as in Hatchet.</value>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long after a worker's last heartbeat its running tasks are taken back and retried as new
    /// attempts on other workers (at most 10 times per task, as in Hatchet).
    /// </summary>
    /// <value>The default value is 30 seconds, as in Hatchet.</value>
    public TimeSpan ReassignTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the largest gRPC message the engine accepts or sends.</summary>
    /// <value>The default value is 4 MiB, as in Hatchet.</value>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets how many finished workflow runs are kept for result look-ups before the oldest are forgotten.</summary>
    /// <value>The default value is 200,000.</value>
    public int MaxRetainedFinishedRuns { get; set; } = 200_000;

    /// <summary>Gets or sets the clock used for timeouts, backoff, heartbeats and schedules.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the logger factory.</summary>
    /// <value>The default value is <see langword="null"/>, which logs nothing.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Returns a copy of these options, so that later changes to this instance do not affect a running engine.</summary>
    /// <returns>The copy.</returns>
    public DevEngineOptions Clone()
    {
        var copy = (DevEngineOptions)MemberwiseClone();
        copy.SigningKey = SigningKey?.ToArray();
        return copy;
    }

    internal void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Host))
        {
            errors.Add("Host must not be empty.");
        }
        else if (!AllowNonLoopback && !IsLoopback(Host))
        {
            errors.Add($"Host '{Host}' is not a loopback address; set AllowNonLoopback to bind it anyway.");
        }

        if (GrpcPort is < 0 or > 65535)
        {
            errors.Add($"GrpcPort {GrpcPort} is outside 0..65535.");
        }

        if (RestPort is < 0 or > 65535)
        {
            errors.Add($"RestPort {RestPort} is outside 0..65535.");
        }

        if (GrpcPort != 0 && GrpcPort == RestPort)
        {
            errors.Add("GrpcPort and RestPort must differ.");
        }

        if (HeartbeatTimeout <= TimeSpan.Zero)
        {
            errors.Add("HeartbeatTimeout must be positive.");
        }

        if (ReassignTimeout <= TimeSpan.Zero)
        {
            errors.Add("ReassignTimeout must be positive.");
        }

        if (MaxMessageSize < 1024)
        {
            errors.Add("MaxMessageSize must be at least 1024 bytes.");
        }

        if (MaxRetainedFinishedRuns < 1)
        {
            errors.Add("MaxRetainedFinishedRuns must be at least 1.");
        }

        if (SigningKey is { Length: < 16 })
        {
            errors.Add("SigningKey must be at least 16 bytes.");
        }

        if (!EngineVersionParser.TryParse(EngineVersion, out _))
        {
            errors.Add($"EngineVersion '{EngineVersion}' is not a version like v0.104.7.");
        }

        ValidateTls(errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid DevEngineOptions: " + string.Join(" ", errors));
        }
    }

    private void ValidateTls(List<string> errors)
    {
        if ((TlsCertificateFile is null) != (TlsKeyFile is null))
        {
            errors.Add("TlsCertificateFile and TlsKeyFile go together.");
        }

        if (TlsClientCaFile is not null && TlsCertificateFile is null)
        {
            errors.Add("TlsClientCaFile (mutual TLS) needs TlsCertificateFile and TlsKeyFile.");
        }

        foreach (var (name, path) in new[] { (nameof(TlsCertificateFile), TlsCertificateFile), (nameof(TlsKeyFile), TlsKeyFile), (nameof(TlsClientCaFile), TlsClientCaFile) })
        {
            if (path is not null && !File.Exists(path))
            {
                errors.Add($"{name} '{path}' does not exist.");
            }
        }
    }

    private static bool IsLoopback(string host) =>
        host is "localhost" or "::1" or "[::1]" ||
        (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
}

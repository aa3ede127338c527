using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Orchestration.Signatures;
using MageFlow.Hatchet.Resilience;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration;

/// <summary>Settings of <see cref="MageFlowClient"/>.</summary>
public sealed class MageFlowOptions
{
    /// <summary>Gets or sets a Redis connection to use (and not dispose).</summary>
    /// <value>The default value is <see langword="null"/>: connect with <see cref="RedisConfiguration"/>.</value>
    public IConnectionMultiplexer? Redis { get; set; }

    /// <summary>Gets or sets the Redis to connect to: a StackExchange.Redis configuration string or a <c>redis://</c> URL.</summary>
    /// <value>The default value is <c>REDIS_URL</c> from the environment, else <c>localhost:6379</c> (as Python MageFlow).</value>
    public string? RedisConfiguration { get; set; }

    /// <summary>
    /// Gets or sets the CA certificate (PEM) that issued Redis's TLS certificate, for a <c>rediss://</c>
    /// <see cref="RedisConfiguration"/> served with a private CA. Redis's certificate must then chain to it.
    /// </summary>
    /// <value>The default value is <c>REDIS_TLS_CA_FILE</c> from the environment, else <see langword="null"/>: the system's trust store.</value>
    public string? RedisTlsCaFile { get; set; } = Environment.GetEnvironmentVariable("REDIS_TLS_CA_FILE") is { Length: > 0 } ca ? ca : null;

    /// <summary>
    /// Gets or sets the client certificate (PEM) MageFlow presents to a Redis that asks for one (mutual TLS,
    /// <c>tls-auth-clients yes</c>); <see cref="RedisTlsKeyFile"/> holds its key.
    /// </summary>
    /// <value>The default value is <c>REDIS_TLS_CERT_FILE</c> from the environment, else <see langword="null"/>: no client certificate.</value>
    public string? RedisTlsCertFile { get; set; } = Environment.GetEnvironmentVariable("REDIS_TLS_CERT_FILE") is { Length: > 0 } cert ? cert : null;

    /// <summary>Gets or sets the private key (PEM) of <see cref="RedisTlsCertFile"/>.</summary>
    /// <value>The default value is <c>REDIS_TLS_KEY_FILE</c> from the environment, else <see langword="null"/>.</value>
    public string? RedisTlsKeyFile { get; set; } = Environment.GetEnvironmentVariable("REDIS_TLS_KEY_FILE") is { Length: > 0 } key ? key : null;

    /// <summary>Gets or sets the key prefix. A flow's keys look like <c>{prefix:&lt;bucket&gt;}:sig:&lt;id&gt;</c> (see
    /// <see cref="KeySlots"/>); keys shared by every flow, and flows written before slot buckets existed, use <c>{prefix}</c>.</summary>
    /// <value>The default value is <c>mageflow</c>.</value>
    public string KeyPrefix { get; set; } = "mageflow";

    /// <summary>
    /// Gets or sets how many slot buckets new flows spread over. Each flow (a root with its swarm and children, a chain,
    /// a swarm with its items, their callbacks) lives in one bucket, whose keys share one Redis Cluster slot, so every
    /// state transition touches one node; different flows land in different buckets, so a cluster spreads them. 1 keeps
    /// every new flow in one bucket. Changing it later is safe: an id names its bucket.
    /// </summary>
    /// <value>The default value is 1024 (at most 16384).</value>
    public int KeySlots { get; set; } = 1024;

    /// <summary>Gets or sets the default record lifetimes.</summary>
    /// <value>The default value is 24 hours while active and 5 minutes once done.</value>
    public TtlOptions Ttl { get; set; } = new(TimeSpan.FromHours(24), TimeSpan.FromMinutes(5));

    /// <summary>Gets or sets lifetimes for task signatures, overriding <see cref="Ttl"/>.</summary>
    public TtlOptions? TaskTtl { get; set; }

    /// <summary>Gets or sets lifetimes for chains, overriding <see cref="Ttl"/>.</summary>
    public TtlOptions? ChainTtl { get; set; }

    /// <summary>Gets or sets lifetimes for swarms, overriding <see cref="Ttl"/>.</summary>
    public TtlOptions? SwarmTtl { get; set; }

    /// <summary>Gets or sets how long a process may stay silent before another one takes over the runs it followed.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan OwnerLeaseTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how often a process renews its lease and looks for dead owners and stalled publishes.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how long a claimed publish may stay unfinished before another process publishes it.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan PublishClaimTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how often the runs that Redis believes are running are compared with the engine's record, so that a
    /// run whose end Redis lost (a restart without fsync, a failover to a lagging replica) is recorded after all. Only
    /// runs started longer ago than this are checked; after every reconnection to Redis, all are. <see cref="TimeSpan.Zero"/>
    /// turns the periodic pass off (the pass after a reconnection stays).
    /// </summary>
    /// <value>The default value is 1 minute.</value>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how many replicas must acknowledge each MageFlow state step (Redis <c>WAIT</c>) before it counts as
    /// done, for deployments where a failover must not lose a recorded transition. 0 does not wait.
    /// </summary>
    /// <value>The default value is 0.</value>
    public int RedisWaitReplicas { get; set; }

    /// <summary>Gets or sets how long a step waits for <see cref="RedisWaitReplicas"/> acknowledgements; a step that gets
    /// fewer in time is logged and counted (<c>mageflow.redis.wait_shortfalls</c>), and goes on.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RedisWaitTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how Redis calls are retried on connection faults and timeouts.</summary>
    /// <value>The default value is 4 retries, starting at 50 ms and doubling up to 2 s, with jitter.</value>
    public RetryOptions RedisRetry { get; set; } = new() { MaxRetryAttempts = 4, Delay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(2) };

    internal TtlOptions TtlFor(SignatureKind kind) => kind switch
    {
        SignatureKind.Task => TaskTtl ?? Ttl,
        SignatureKind.Chain => ChainTtl ?? Ttl,
        _ => SwarmTtl ?? Ttl,
    };

    internal MageFlowOptions Clone()
    {
        var copy = (MageFlowOptions)MemberwiseClone();
        copy.RedisRetry = RedisRetry.Clone();
        return copy;
    }

    /// <summary>Lists every problem with these options at once (what <see cref="MageFlowClient.AttachAsync"/> would refuse),
    /// so a host can report them all when it starts.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(KeyPrefix) || KeyPrefix.Contains('{', StringComparison.Ordinal) || KeyPrefix.Contains('}', StringComparison.Ordinal))
        {
            errors.Add("KeyPrefix must be non-empty and must not contain braces.");
        }

        if (KeySlots is < 1 or > State.SignatureBucket.MaxBuckets)
        {
            errors.Add($"KeySlots must be between 1 and {State.SignatureBucket.MaxBuckets}.");
        }

        foreach (var (name, ttl) in new[] { ("Ttl", Ttl), ("TaskTtl", TaskTtl), ("ChainTtl", ChainTtl), ("SwarmTtl", SwarmTtl) })
        {
            if (ttl is not null && (ttl.Active < TimeSpan.FromSeconds(1) || ttl.Done < TimeSpan.FromSeconds(1) || ttl.Done > ttl.Active))
            {
                errors.Add($"{name} needs Active and Done of at least 1 s, with Done no longer than Active.");
            }
        }

        if (OwnerLeaseTimeout <= SweepInterval * 2)
        {
            errors.Add("OwnerLeaseTimeout must be more than twice SweepInterval.");
        }

        if (ReconcileInterval < TimeSpan.Zero)
        {
            errors.Add("ReconcileInterval must not be negative (TimeSpan.Zero turns the periodic pass off).");
        }

        if (RedisWaitReplicas < 0)
        {
            errors.Add("RedisWaitReplicas must not be negative.");
        }

        if (RedisWaitReplicas > 0 && RedisWaitTimeout <= TimeSpan.Zero)
        {
            errors.Add("RedisWaitTimeout must be positive when RedisWaitReplicas is set.");
        }

        if (RedisTlsCaFile is not null && Redis is null && !File.Exists(RedisTlsCaFile))
        {
            errors.Add($"RedisTlsCaFile '{RedisTlsCaFile}' does not exist.");
        }

        if ((RedisTlsCertFile is null) != (RedisTlsKeyFile is null))
        {
            errors.Add("RedisTlsCertFile and RedisTlsKeyFile go together: set both for mutual TLS, or neither.");
        }

        foreach (var (name, file) in new[] { ("RedisTlsCertFile", RedisTlsCertFile), ("RedisTlsKeyFile", RedisTlsKeyFile) })
        {
            if (file is not null && Redis is null && !File.Exists(file))
            {
                errors.Add($"{name} '{file}' does not exist.");
            }
        }

        errors.AddRange(RedisRetry.GetValidationErrors(nameof(RedisRetry)));
        return errors;
    }

    internal void Validate() => HatchetConfigurationException.ThrowIfAny(nameof(MageFlowOptions), GetValidationErrors());

    /// <summary>Turns <c>redis://[user:password@]host[:port][/db]</c> (or <c>rediss://</c> for TLS) into a StackExchange.Redis configuration.</summary>
    /// <param name="value">A URL or a StackExchange.Redis configuration string.</param>
    /// <returns>The configuration.</returns>
    public static ConfigurationOptions ParseConfiguration(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) && !value.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            return ConfigurationOptions.Parse(value);
        }

        var uri = new Uri(value);
        var options = new ConfigurationOptions { Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase), AbortOnConnectFail = false };
        options.EndPoints.Add(uri.Host, uri.Port > 0 ? uri.Port : 6379);
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = Uri.UnescapeDataString(uri.UserInfo).Split(':', 2);
            if (parts.Length == 2)
            {
                options.User = parts[0].Length > 0 ? parts[0] : null;
                options.Password = parts[1];
            }
            else
            {
                options.Password = parts[0];
            }
        }

        var db = uri.AbsolutePath.Trim('/');
        if (db.Length > 0 && int.TryParse(db, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            options.DefaultDatabase = n;
        }

        return options;
    }
}

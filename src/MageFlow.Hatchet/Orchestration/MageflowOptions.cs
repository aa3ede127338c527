using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration;

/// <summary>How long MageFlow records live in Redis.</summary>
/// <param name="Active">While a record is in use (pending, running, suspended).</param>
/// <param name="Done">After it finished: a short grace period, then Redis drops it.</param>
public sealed record TtlOptions(TimeSpan Active, TimeSpan Done);

/// <summary>Settings of <see cref="Mageflow"/>.</summary>
public sealed class MageflowOptions
{
    /// <summary>Gets or sets a Redis connection to use (and not dispose).</summary>
    /// <value>The default value is <see langword="null"/>: connect with <see cref="RedisConfiguration"/>.</value>
    public IConnectionMultiplexer? Redis { get; set; }

    /// <summary>Gets or sets the Redis to connect to: a StackExchange.Redis configuration string or a <c>redis://</c> URL.</summary>
    /// <value>The default value is <c>REDIS_URL</c> from the environment, else <c>localhost:6379</c> (as Python MageFlow).</value>
    public string? RedisConfiguration { get; set; }

    /// <summary>Gets or sets the key prefix. Keys look like <c>{prefix}:sig:&lt;id&gt;</c>; the braces keep one deployment's keys in one cluster slot.</summary>
    /// <value>The default value is <c>mageflow</c>.</value>
    public string KeyPrefix { get; set; } = "mageflow";

    /// <summary>Gets or sets the default record lifetimes.</summary>
    /// <value>The default value is 24 hours while active and 5 minutes once done.</value>
    public TtlOptions Ttl { get; set; } = new(TimeSpan.FromHours(24), TimeSpan.FromMinutes(5));

    /// <summary>Gets or sets lifetimes for task signatures, overriding <see cref="Ttl"/>.</summary>
    public TtlOptions? TaskTtl { get; set; }

    /// <summary>Gets or sets lifetimes for chains, overriding <see cref="Ttl"/>.</summary>
    public TtlOptions? ChainTtl { get; set; }

    /// <summary>Gets or sets lifetimes for swarms, overriding <see cref="Ttl"/>.</summary>
    public TtlOptions? SwarmTtl { get; set; }

    /// <summary>Gets or sets how long a process may stay silent before another one takes over the runs it tracked.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan OwnerLeaseTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how often a process renews its lease and looks for dead owners and stalled publishes.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how long a claimed publish may stay unfinished before another process publishes it.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan PublishClaimTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal TtlOptions TtlFor(string kind) => kind switch
    {
        "task" => TaskTtl ?? Ttl,
        "chain" => ChainTtl ?? Ttl,
        "swarm" => SwarmTtl ?? Ttl,
        _ => Ttl,
    };

    internal MageflowOptions Clone() => (MageflowOptions)MemberwiseClone();

    internal void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(KeyPrefix) || KeyPrefix.Contains('{', StringComparison.Ordinal) || KeyPrefix.Contains('}', StringComparison.Ordinal))
        {
            errors.Add("KeyPrefix must be non-empty and must not contain braces.");
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

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid MageflowOptions: " + string.Join(" ", errors));
        }
    }

    /// <summary>Turns <c>redis://[user:password@]host[:port][/db]</c> (or <c>rediss://</c> for TLS) into a StackExchange.Redis configuration.</summary>
    internal static ConfigurationOptions ParseConfiguration(string value)
    {
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

/// <summary>Options of a swarm (Python MageFlow's <c>SwarmConfig</c>).</summary>
/// <param name="MaxConcurrency">How many items run at once.</param>
/// <param name="StopAfterNFailures">Stop the swarm (and fire its error callbacks) after this many failed items; <see langword="null"/> keeps going.</param>
/// <param name="MaxTaskAllowed">The most items the swarm accepts; reaching it closes the swarm.</param>
public sealed record SwarmConfig(int MaxConcurrency = 30, int? StopAfterNFailures = null, int? MaxTaskAllowed = null)
{
    internal void Validate(string owner)
    {
        if (MaxConcurrency < 1)
        {
            throw new ArgumentException($"{owner}: MaxConcurrency must be at least 1.");
        }

        if (StopAfterNFailures is < 1)
        {
            throw new ArgumentException($"{owner}: StopAfterNFailures must be at least 1 (or null to keep going).");
        }

        if (MaxTaskAllowed is < 1)
        {
            throw new ArgumentException($"{owner}: MaxTaskAllowed must be at least 1 (or null for no limit).");
        }
    }
}

/// <summary>Marks the input property that receives the previous task's result when the task runs as a callback or chain step
/// (Python MageFlow's <c>ReturnValue</c>). Without it, the result goes into <c>mageflow_results</c>.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class ReturnValueAttribute : Attribute
{
}

using MageFlow.Hatchet.Extensions.Hosting.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Extensions.Hosting.Internal;

/// <summary>
/// Fills <see cref="MageFlowOptions"/> from the <c>MageFlow</c> configuration section, then (after the code given to
/// <c>AddMageFlow</c>) picks the Redis connection, most specific first: <see cref="MageFlowOptions.Redis"/> set in code;
/// <see cref="MageFlowOptions.RedisConfiguration"/> (code or <c>MageFlow:RedisConfiguration</c>); an
/// <see cref="IConnectionMultiplexer"/> registered in DI (shared, never disposed by MageFlow); <c>ConnectionStrings:Redis</c>;
/// and last what <see cref="MageFlowClient.AttachAsync"/> falls back to, <c>REDIS_URL</c> then <c>localhost:6379</c>.
/// </summary>
internal sealed class MageFlowOptionsSetup(IServiceProvider services, IConfiguration? configuration = null) : IConfigureOptions<MageFlowOptions>, IPostConfigureOptions<MageFlowOptions>
{
    public const string SectionName = "MageFlow";

    private static readonly string[] Keys = ["RedisConfiguration", "KeyPrefix", "KeySlots", "OwnerLeaseTimeout", "SweepInterval", "PublishClaimTimeout", "ReconcileInterval", "RedisWaitReplicas", "RedisWaitTimeout", "Ttl:Active", "Ttl:Done"];

    public void Configure(MageFlowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // The connection string may hold a password: never echo it.
        var settings = new LayeredSettings(["RedisConfiguration"]);
        settings.AddSection(configuration?.GetSection(SectionName), Keys);
        options.RedisConfiguration = settings.String("RedisConfiguration") ?? options.RedisConfiguration;
        options.KeyPrefix = settings.String("KeyPrefix") ?? options.KeyPrefix;
        options.KeySlots = settings.Int("KeySlots") ?? options.KeySlots;
        options.OwnerLeaseTimeout = settings.Duration("OwnerLeaseTimeout") ?? options.OwnerLeaseTimeout;
        options.SweepInterval = settings.Duration("SweepInterval") ?? options.SweepInterval;
        options.PublishClaimTimeout = settings.Duration("PublishClaimTimeout") ?? options.PublishClaimTimeout;
        options.ReconcileInterval = settings.Duration("ReconcileInterval") ?? options.ReconcileInterval;
        options.RedisWaitReplicas = settings.Int("RedisWaitReplicas") ?? options.RedisWaitReplicas;
        options.RedisWaitTimeout = settings.Duration("RedisWaitTimeout") ?? options.RedisWaitTimeout;
        var active = settings.Duration("Ttl:Active");
        var done = settings.Duration("Ttl:Done");
        if (active is not null || done is not null)
        {
            options.Ttl = new TtlOptions(active ?? options.Ttl.Active, done ?? options.Ttl.Done);
        }

        BindingErrors.Set(options, settings.Errors);
    }

    public void PostConfigure(string? name, MageFlowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Redis is not null || !string.IsNullOrWhiteSpace(options.RedisConfiguration))
        {
            return;
        }

        options.Redis = services.GetService<IConnectionMultiplexer>();
        if (options.Redis is null && configuration?.GetConnectionString("Redis") is { Length: > 0 } connectionString)
        {
            options.RedisConfiguration = connectionString;
        }
    }
}

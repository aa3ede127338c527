using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.Extensions.Hosting.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers MageFlow on the host's Hatchet client.</summary>
public static class MageFlowServiceCollectionExtensions
{
    /// <summary>
    /// Registers MageFlow: it attaches to the host's <c>HatchetClient</c> (added with <c>AddHatchet</c> if missing) when
    /// the host starts, before any hosted worker runs, and detaches after they have drained. <see cref="MageFlowClient"/>
    /// is then a singleton (resolve it once the host has started, as task handlers do), and
    /// <see cref="MageFlowClient.Current"/> works in every task body. Options come from the <c>MageFlow</c> configuration
    /// section, then <paramref name="configure"/>; Redis from, in order: <see cref="MageFlowOptions.Redis"/>,
    /// <see cref="MageFlowOptions.RedisConfiguration"/> (or <c>MageFlow:RedisConfiguration</c>), an
    /// <c>IConnectionMultiplexer</c> in DI, <c>ConnectionStrings:Redis</c>, <c>REDIS_URL</c>, <c>localhost:6379</c>.
    /// Validated when the host starts, every problem reported at once.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after configuration has set them.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddMageFlow(this IServiceCollection services, Action<MageFlowOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHatchet();
        if (!services.Any(d => d.ServiceType == typeof(MageFlowHostedService)))
        {
            services.AddOptions<MageFlowOptions>().ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<MageFlowOptions>, MageFlowOptionsSetup>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<MageFlowOptions>, MageFlowOptionsSetup>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MageFlowOptions>, MageFlowOptionsValidator>());
            services.TryAddSingleton<MageFlowHostedService>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<MageFlowHostedService>());
            services.TryAddSingleton(sp => sp.GetRequiredService<MageFlowHostedService>().Client
                ?? throw new InvalidOperationException("MageFlowClient is available once the host has started (MageFlow attaches then); resolve it in task handlers or after StartAsync"));
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }
}

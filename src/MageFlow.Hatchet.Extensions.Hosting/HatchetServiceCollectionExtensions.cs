using MageFlow.Hatchet;
using MageFlow.Hatchet.Extensions.Hosting;
using MageFlow.Hatchet.Extensions.Hosting.Internal;
using MageFlow.Hatchet.Tasks;
using MageFlow.Hatchet.Worker;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// The namespace of IServiceCollection, as for AddOptions and AddHealthChecks: the methods show up without a using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hatchet client and hosted Hatchet workers.</summary>
public static class HatchetServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="HatchetClient"/> for the application (a singleton, disposed with the host). Its
    /// <see cref="HatchetClientOptions"/> come, each key overriding the one before: the defaults, the
    /// <c>HATCHET_CLIENT_*</c> environment variables, the <c>Hatchet</c> configuration section, then
    /// <paramref name="configure"/>. They are validated when the host starts, every problem reported at once.
    /// The client logs through the host's <c>ILoggerFactory</c> unless the options name one. Calling it again only adds
    /// <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after configuration has set them (interceptors, JSON options...).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddHatchet(this IServiceCollection services, Action<HatchetClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddCore(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }

    /// <summary>Adds a worker that the host runs (a <see cref="HatchetWorkerService"/>), and the client with
    /// <see cref="AddHatchet"/> if it is not registered yet. Adding a name twice returns the same worker.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The worker's name, as Hatchet shows it; its settings are read from <c>Hatchet:Workers:&lt;name&gt;</c>.</param>
    /// <returns>A builder to add the worker's tasks.</returns>
    public static HatchetWorkerBuilder AddHatchetWorker(this IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        AddCore(services);
        var existing = services
            .Where(d => d.ServiceType == typeof(HatchetWorkerDefinition) && !d.IsKeyedService)
            .Select(d => d.ImplementationInstance)
            .OfType<HatchetWorkerDefinition>()
            .FirstOrDefault(d => d.Name == name);
        if (existing is not null)
        {
            return new HatchetWorkerBuilder(services, existing);
        }

        var definition = new HatchetWorkerDefinition(name);
        services.AddSingleton(definition);
        services.AddOptions<HatchetWorkerOptions>(name).ValidateOnStart();
        services.AddKeyedSingleton(name, (sp, _) => new HatchetWorkerService(name, sp.GetRequiredService<HatchetRuntime>(), sp.GetRequiredService<IOptionsMonitor<HatchetWorkerOptions>>()));

        // Not AddHostedService: it de-duplicates by implementation type, and every worker is a HatchetWorkerService.
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<HatchetWorkerService>(name));
        return new HatchetWorkerBuilder(services, definition);
    }

    /// <summary>Adds a worker that the host runs and declares its tasks: <c>services.AddHatchetWorker("orders", w =&gt; w.AddTask&lt;ShipOrder&gt;("ship-order"))</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The worker's name.</param>
    /// <param name="configure">Adds the worker's tasks and options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddHatchetWorker(this IServiceCollection services, string name, Action<HatchetWorkerBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(services.AddHatchetWorker(name));
        return services;
    }

    private static void AddCore(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(HatchetRuntime)))
        {
            return;
        }

        services.AddOptions<HatchetClientOptions>().ValidateOnStart();
        services.TryAddSingleton(_ => HatchetEnvironment.FromProcess());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HatchetClientOptions>, HatchetClientOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HatchetClientOptions>, HatchetClientOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HatchetWorkerOptions>, HatchetWorkerOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HatchetWorkerOptions>, HatchetWorkerOptionsValidator>());
        services.TryAddSingleton<HatchetRuntime>();
        services.TryAddSingleton(sp => sp.GetRequiredService<HatchetRuntime>().Client);

        // Scoped services of a run (a repository that tags its writes with the run id) can take its context.
        services.TryAddScoped(_ => TaskContext.Current ?? throw new InvalidOperationException("a TaskContext is only available in the scope a hosted worker opens for a task run"));
    }
}

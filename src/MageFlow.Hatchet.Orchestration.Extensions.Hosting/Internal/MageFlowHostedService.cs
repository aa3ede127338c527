using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MageFlow.Hatchet.Orchestration.Extensions.Hosting.Internal;

/// <summary>
/// Attaches MageFlow to the host's client in <see cref="StartingAsync"/>, which the host runs for every service before it
/// starts any: so MageFlow sees every hosted worker's tasks and first run, whatever order the services were added in. It
/// detaches in <see cref="StoppedAsync"/>, after every worker has drained, since draining tasks still publish. The client
/// and options are resolved then, not in the constructor: the host resolves hosted services before it validates options.
/// </summary>
internal sealed class MageFlowHostedService(IServiceProvider services) : IHostedLifecycleService, IAsyncDisposable
{
    public MageFlowClient? Client { get; private set; }

    public async Task StartingAsync(CancellationToken cancellationToken) =>
        Client = await MageFlowClient.AttachAsync(
            services.GetRequiredService<HatchetClient>(),
            services.GetRequiredService<IOptions<MageFlowOptions>>().Value,
            cancellationToken).ConfigureAwait(false);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public ValueTask DisposeAsync() => Client?.DisposeAsync() ?? ValueTask.CompletedTask;
}

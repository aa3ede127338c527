using MageFlow.Hatchet.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MageFlow.Hatchet.Extensions.Hosting.Internal;

/// <summary>
/// The host's one <see cref="HatchetClient"/>, with the tasks of every hosted worker declared on it. Declaring them all
/// when the client is created means MageFlow, attached when the host starts, records every task before any worker runs.
/// The client is created on first use, not with this object: the host resolves its hosted services before it validates
/// options, and creating the client then would report one problem instead of every one.
/// </summary>
internal sealed class HatchetRuntime : IAsyncDisposable
{
    private readonly Lazy<(HatchetClient Client, Dictionary<string, IReadOnlyList<WorkflowDeclarationBase>> Workflows)> _state;

    public HatchetRuntime(IOptions<HatchetClientOptions> options, IEnumerable<HatchetWorkerDefinition> workers, IServiceProvider services, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _state = new(() =>
        {
            var copy = options.Value.Clone();
            copy.LoggerFactory ??= loggerFactory;
            if (timeProvider is not null && ReferenceEquals(copy.TimeProvider, TimeProvider.System))
            {
                copy.TimeProvider = timeProvider;
            }

            var client = HatchetClient.Create(copy);
            var workflows = new Dictionary<string, IReadOnlyList<WorkflowDeclarationBase>>(StringComparer.Ordinal);
            foreach (var worker in workers)
            {
                workflows[worker.Name] = [.. worker.Declarations.Select(declare => declare(client, services))];
            }

            return (client, workflows);
        });
    }

    public HatchetClient Client => _state.Value.Client;

    /// <summary>The workflows a worker serves; none means every workflow declared on the client.</summary>
    public IReadOnlyList<WorkflowDeclarationBase> WorkflowsOf(string worker) => _state.Value.Workflows.TryGetValue(worker, out var w) ? w : [];

    public ValueTask DisposeAsync() => _state.IsValueCreated ? _state.Value.Client.DisposeAsync() : ValueTask.CompletedTask;
}

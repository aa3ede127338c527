using MageFlow.Hatchet.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MageFlow.Hatchet.Extensions.Hosting.Internal;

/// <summary>
/// The host's one <see cref="HatchetClient"/>, with the tasks of every hosted worker declared on it. Declaring them all
/// when the client is created means MageFlow, attached when the host starts, records every task before any worker runs.
/// </summary>
internal sealed class HatchetRuntime : IAsyncDisposable
{
    private readonly Dictionary<string, IReadOnlyList<WorkflowDeclarationBase>> _workflows = new(StringComparer.Ordinal);

    public HatchetRuntime(IOptions<HatchetClientOptions> options, IEnumerable<HatchetWorkerDefinition> workers, IServiceProvider services, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        var copy = options.Value.Clone();
        copy.LoggerFactory ??= loggerFactory;
        if (timeProvider is not null && ReferenceEquals(copy.TimeProvider, TimeProvider.System))
        {
            copy.TimeProvider = timeProvider;
        }

        Client = HatchetClient.Create(copy);
        foreach (var worker in workers)
        {
            _workflows[worker.Name] = [.. worker.Declarations.Select(declare => declare(Client, services))];
        }
    }

    public HatchetClient Client { get; }

    /// <summary>The workflows a worker serves; none means every workflow declared on the client.</summary>
    public IReadOnlyList<WorkflowDeclarationBase> WorkflowsOf(string worker) => _workflows.TryGetValue(worker, out var w) ? w : [];

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}

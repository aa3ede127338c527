using MageFlow.Hatchet.Orchestration.Internal;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Orchestration.Publishing;

/// <summary>Cancels, through the engine, the runs a transition stopped (interrupted or cancelled tasks, the running items
/// of a swarm stopping with <see cref="SwarmStopMode.CancelRunning"/>). Best effort: a run whose cancel fails simply
/// finishes, and its end is recorded as any other.</summary>
internal sealed class RunCanceller(HatchetClient client, ILogger log)
{
    public async Task CancelAsync(IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        if (runIds.Count == 0)
        {
            return;
        }

        try
        {
            await client.Runs.CancelAsync(runIds, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Hatchet.Exceptions.HatchetRpcException)
        {
            MageFlowLog.CancelFailed(log, runIds.Count, e);
        }
    }
}

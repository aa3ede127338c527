using System.Threading.Channels;
using MageFlow.Hatchet.DevEngine.Core.Outputs;

namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>One open <c>ListenV2</c> stream of a worker: actions the engine decided, waiting to be written.</summary>
/// <param name="generation">A number that grows with every stream the engine opens.</param>
internal sealed class ListenStream(long generation)
{
    /// <summary>Gets the stream's generation.</summary>
    public long Generation { get; } = generation;

    /// <summary>Gets the actions for the worker. Unbounded, so the engine never blocks inside its lock to hand one over.</summary>
    public Channel<WorkerAction> Actions { get; } =
        Channel.CreateUnbounded<WorkerAction>(new UnboundedChannelOptions { SingleReader = true });
}

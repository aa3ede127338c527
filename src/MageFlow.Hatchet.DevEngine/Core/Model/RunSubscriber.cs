using System.Threading.Channels;
using MageFlow.Hatchet.DevEngine.Core.Outputs;

namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>One <c>SubscribeToWorkflowRuns</c> stream: the runs it asked for that have finished, waiting to be written.</summary>
internal sealed class RunSubscriber
{
    /// <summary>Gets the finished runs. Unbounded, so the engine never blocks inside its lock to hand one over.</summary>
    public Channel<FinishedRun> Events { get; } =
        Channel.CreateUnbounded<FinishedRun>(new UnboundedChannelOptions { SingleReader = true });
}

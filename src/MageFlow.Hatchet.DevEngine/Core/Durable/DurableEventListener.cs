using System.Threading.Channels;

namespace MageFlow.Hatchet.DevEngine.Core.Durable;

/// <summary>One <c>ListenForDurableEvent</c> stream: the (task, signal key) pairs it asked for and not yet got, and
/// the events to send it.</summary>
internal sealed class DurableEventListener
{
    public Channel<DurableEventOut> Events { get; } = Channel.CreateUnbounded<DurableEventOut>(new UnboundedChannelOptions { SingleReader = true });

    public HashSet<(string TaskId, string SignalKey)> Interest { get; } = [];
}

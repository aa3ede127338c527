using System.Threading.Channels;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Core.Durable;

/// <summary>
/// One <c>DurableTask</c> stream (Hatchet's <c>durableTaskInvocation</c>): the worker it registered and the responses to
/// send it. Responses are small protocol messages built under the engine lock and written out by the stream's writer.
/// Completions carrying a satisfied order are released in that order per (task, invocation), as Hatchet releases them,
/// so a replaying worker resumes its waits in the order they ended the first time.
/// </summary>
internal sealed class DurableTaskSession
{
    private readonly Dictionary<(string TaskId, int Invocation), OrderedRelease> _releases = [];

    /// <summary>Gets the responses to write.</summary>
    public Channel<DurableTaskResponse> Out { get; } = Channel.CreateUnbounded<DurableTaskResponse>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Gets the logs the stream spoke for (so closing it detaches them).</summary>
    public HashSet<DurableEventLog> Logs { get; } = [];

    /// <summary>Gets or sets the worker the stream registered (<c>register_worker</c>).</summary>
    public string? WorkerId { get; set; }

    /// <summary>Queues a response.</summary>
    /// <param name="response">The response.</param>
    public void Send(DurableTaskResponse response) => Out.Writer.TryWrite(response);

    /// <summary>Queues an entry's completion, held back while a completion satisfied before it is still to come.</summary>
    /// <param name="taskId">The durable task's external id.</param>
    /// <param name="invocation">The invocation the completion is for.</param>
    /// <param name="satisfiedOrder">The entry's satisfied order, or null (memos: sent at once).</param>
    /// <param name="response">The <c>entry_completed</c> response.</param>
    public void Deliver(string taskId, int invocation, long? satisfiedOrder, DurableTaskResponse response)
    {
        if (satisfiedOrder is not { } order)
        {
            Send(response);
            return;
        }

        if (!_releases.TryGetValue((taskId, invocation), out var release))
        {
            // A newer invocation of the task makes the older ones' release state useless.
            foreach (var stale in _releases.Keys.Where(k => k.TaskId == taskId && k.Invocation < invocation).ToArray())
            {
                _releases.Remove(stale);
            }

            release = new OrderedRelease();
            _releases[(taskId, invocation)] = release;
        }

        if (order <= release.Released)
        {
            // Released before (worker_status asks again, or a replay): the worker dedupes by node, so send it again.
            Send(response);
            return;
        }

        if (order != release.Released + 1)
        {
            release.Held.TryAdd(order, response);
            return;
        }

        Send(response);
        release.Released++;
        while (release.Held.Remove(release.Released + 1, out var next))
        {
            Send(next);
            release.Released++;
        }
    }

    /// <summary>Ends the stream's output.</summary>
    public void Close() => Out.Writer.TryComplete();

    private sealed class OrderedRelease
    {
        public long Released { get; set; }

        public Dictionary<long, DurableTaskResponse> Held { get; } = [];
    }
}

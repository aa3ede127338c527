using System.Text.Json.Nodes;
using System.Threading.Channels;
using MageFlow.Hatchet.DevEngine.Core.Outputs;

namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>
/// One <c>SubscribeToWorkflowEvents</c> stream: to one run, or to every run whose additional metadata holds a key/value.
/// A run subscription puts each task's stream chunks in <c>event_index</c> order as Hatchet's dispatcher does: a chunk
/// that comes early is held until the missing ones arrive, the task ends, or <see cref="HoldLimit"/> passes.
/// </summary>
internal sealed class EventSubscriber
{
    /// <summary>How long Hatchet's dispatcher holds out-of-order chunks before sending them anyway (its default buffer timeout).</summary>
    public static readonly TimeSpan HoldLimit = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, long> _expected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<RunEvent>> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _heldSince = new(StringComparer.Ordinal);
    private readonly HashSet<string> _activeRuns = new(StringComparer.Ordinal);

    private EventSubscriber(string? runId, string? metaKey, string? metaValue)
    {
        RunId = runId;
        MetaKey = metaKey;
        MetaValue = metaValue;
    }

    /// <summary>Gets the run followed, for a run subscription.</summary>
    public string? RunId { get; }

    /// <summary>Gets the additional-metadata key, for a metadata subscription.</summary>
    public string? MetaKey { get; }

    /// <summary>Gets the additional-metadata value, for a metadata subscription.</summary>
    public string? MetaValue { get; }

    /// <summary>
    /// Gets the events to write. Unbounded, so the engine never blocks inside its lock; a <see langword="null"/> item
    /// only wakes the writer to look at <see cref="HeldUntil"/> again.
    /// </summary>
    public Channel<RunEvent?> Events { get; } = Channel.CreateUnbounded<RunEvent?>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Gets the earliest time held chunks are due to be sent anyway, if any are held.</summary>
    public DateTimeOffset? HeldUntil => _heldSince.Count == 0 ? null : _heldSince.Values.Min() + HoldLimit;

    /// <summary>Creates a subscription to one run.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The subscriber.</returns>
    public static EventSubscriber ForRun(string runId) => new(runId, null, null);

    /// <summary>Creates a subscription to the runs carrying an additional-metadata key/value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>The subscriber.</returns>
    public static EventSubscriber ForMetadata(string key, string value) => new(null, key, value);

    /// <summary>Tells whether a metadata subscription follows a run: Hatchet compares the metadata value as a string.</summary>
    /// <param name="run">The run.</param>
    /// <returns><see langword="true"/> when the run's metadata holds the key with the value.</returns>
    public bool Matches(WorkflowRun run) =>
        MetaKey is not null && run.Metadata.TryGetPropertyValue(MetaKey, out var v) && v is JsonValue jv &&
        jv.TryGetValue<string>(out var s) && string.Equals(s, MetaValue, StringComparison.Ordinal);

    /// <summary>Hands an event to the stream, holding stream chunks that come early.</summary>
    /// <param name="evt">The event.</param>
    /// <param name="now">The engine's clock.</param>
    /// <returns><see langword="true"/> when the stream ends with this event.</returns>
    public bool Offer(RunEvent evt, DateTimeOffset now) => RunId is null ? OfferToMetadataStream(evt) : OfferToRunStream(evt, now);

    /// <summary>Sends the chunks held past <see cref="HoldLimit"/>; the task's next chunk then sets the order afresh.</summary>
    /// <param name="now">The engine's clock.</param>
    public void SendOverdue(DateTimeOffset now)
    {
        foreach (var (task, since) in _heldSince.ToArray())
        {
            if (since + HoldLimit <= now)
            {
                foreach (var e in _held[task])
                {
                    Events.Writer.TryWrite(e);
                }

                _held.Remove(task);
                _heldSince.Remove(task);
                _expected[task] = -1;
            }
        }
    }

    private bool OfferToMetadataStream(RunEvent evt)
    {
        // Hatchet counts a run as done only on its COMPLETED event (a failed or cancelled run keeps the stream open), and
        // hangs up once no run it has seen is active. Chunks are sent as they come, without reordering.
        if (evt.Kind == RunEventKind.RunCompleted)
        {
            _activeRuns.Remove(evt.RunId);
        }
        else
        {
            _activeRuns.Add(evt.RunId);
        }

        var hangup = _activeRuns.Count == 0;
        Events.Writer.TryWrite(hangup ? evt with { Hangup = true } : evt);
        return hangup;
    }

    private bool OfferToRunStream(RunEvent evt, DateTimeOffset now)
    {
        var task = evt.ResourceId;
        if (evt.Kind != RunEventKind.TaskStream)
        {
            if (evt.EndsTask)
            {
                if (_held.Remove(task, out var held))
                {
                    foreach (var e in held)
                    {
                        Events.Writer.TryWrite(e);
                    }
                }

                _heldSince.Remove(task);
                _expected.Remove(task);
            }

            var hangup = evt.EndsRun;
            Events.Writer.TryWrite(hangup ? evt with { Hangup = true } : evt);
            return hangup;
        }

        if (evt.EventIndex is not { } index)
        {
            Events.Writer.TryWrite(evt);
            return false;
        }

        var expected = _expected.GetValueOrDefault(task, 0);
        if (expected == -1)
        {
            expected = index;
        }

        if (!_held.TryGetValue(task, out var waiting))
        {
            if (index == expected)
            {
                _expected[task] = expected + 1;
                Events.Writer.TryWrite(evt);
                return false;
            }

            _held[task] = waiting = [];
            _heldSince[task] = now;

            // The writer may be waiting with no deadline: wake it to wait for this one.
            Events.Writer.TryWrite(null);
        }

        waiting.Add(evt);
        waiting.Sort(static (a, b) => a.EventIndex!.Value.CompareTo(b.EventIndex!.Value));
        var sent = 0;
        while (sent < waiting.Count && waiting[sent].EventIndex == expected)
        {
            Events.Writer.TryWrite(waiting[sent]);
            sent++;
            expected++;
        }

        waiting.RemoveRange(0, sent);
        if (waiting.Count == 0)
        {
            _held.Remove(task);
            _heldSince.Remove(task);
        }

        _expected[task] = expected;
        return false;
    }
}

using MageFlow.Hatchet.DevEngine.Core.Outputs;

namespace MageFlow.Hatchet.DevEngine.Core.Events;

/// <summary>
/// The events the engine received, newest last, for the REST event list. Bounded: a dev engine that runs for days
/// must not grow without limit, so the oldest are forgotten past <see cref="Capacity"/>.
/// </summary>
internal sealed class EventLog
{
    /// <summary>How many events are kept.</summary>
    public const int Capacity = 10_000;

    private readonly LinkedList<EventRecord> _events = new();
    private readonly Dictionary<string, LinkedListNode<EventRecord>> _byId = new(StringComparer.Ordinal);

    /// <summary>Records an event.</summary>
    /// <param name="record">The event.</param>
    public void Add(EventRecord record)
    {
        _byId[record.Id] = _events.AddLast(record);
        if (_events.Count > Capacity)
        {
            _byId.Remove(_events.First!.Value.Id);
            _events.RemoveFirst();
        }
    }

    /// <summary>Gets the events, oldest first.</summary>
    public IEnumerable<EventRecord> All => _events;

    /// <summary>Finds an event.</summary>
    /// <param name="id">The event's id.</param>
    /// <returns>The event, or <see langword="null"/>.</returns>
    public EventRecord? Find(string id) => _byId.TryGetValue(id, out var node) ? node.Value : null;
}

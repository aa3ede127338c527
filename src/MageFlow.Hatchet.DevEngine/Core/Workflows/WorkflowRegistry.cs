using System.Diagnostics.CodeAnalysis;
using MageFlow.Hatchet.DevEngine.Core.Model;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.DevEngine.Core.Workflows;

/// <summary>
/// The registered workflows, found by name (triggers) and by event key (pushes), both in O(1).
/// A name keeps its workflow id and its place in registration order across versions.
/// </summary>
internal sealed class WorkflowRegistry(ILogger log)
{
    private readonly Dictionary<string, Registration> _byName = new(StringComparer.Ordinal);

    // The current versions listening to each key, in first-registration order of their names: the order in
    // which a push triggers them.
    private readonly Dictionary<string, List<WorkflowDef>> _byEventKey = new(StringComparer.Ordinal);
    private long _nextOrdinal;

    /// <summary>Stores a parsed workflow version, replacing the previous version of its name.</summary>
    /// <param name="parsed">The definition from <see cref="WorkflowDefinitionParser"/>.</param>
    /// <returns>The stored definition, with its workflow id.</returns>
    public WorkflowDef Register(WorkflowDef parsed)
    {
        WorkflowDef def;
        if (_byName.TryGetValue(parsed.Name, out var registration))
        {
            var previous = registration.Current;
            def = parsed with { WorkflowId = previous.WorkflowId };
            var previousKeys = registration.EventKeys;
            registration.Current = def;
            registration.EventKeys = DistinctKeys(def);
            foreach (var key in previousKeys)
            {
                var listeners = _byEventKey[key];
                var at = listeners.FindIndex(d => ReferenceEquals(d, previous));
                if (registration.EventKeys.Contains(key, StringComparer.Ordinal))
                {
                    listeners[at] = def;
                }
                else
                {
                    listeners.RemoveAt(at);
                }
            }

            foreach (var key in registration.EventKeys)
            {
                if (!previousKeys.Contains(key, StringComparer.Ordinal))
                {
                    AddListener(key, registration);
                }
            }
        }
        else
        {
            def = parsed with { WorkflowId = Guid.NewGuid().ToString() };
            registration = new Registration(_nextOrdinal++, def, DistinctKeys(def));
            _byName.Add(def.Name, registration);
            foreach (var key in registration.EventKeys)
            {
                AddListener(key, registration);
            }
        }

        Log.WorkflowRegistered(log, def.Name, def.Tasks.Count);
        return def;
    }

    /// <summary>Finds the current version of a workflow.</summary>
    /// <param name="name">The workflow's name.</param>
    /// <param name="def">The current version, when found.</param>
    /// <returns><see langword="true"/> when the workflow is registered.</returns>
    public bool TryGet(string name, [NotNullWhen(true)] out WorkflowDef? def)
    {
        def = _byName.TryGetValue(name, out var registration) ? registration.Current : null;
        return def is not null;
    }

    /// <summary>Gets the workflows an event key triggers, in registration order.</summary>
    /// <param name="eventKey">The event key.</param>
    /// <returns>The current versions of the listening workflows; valid until the next registration.</returns>
    public IReadOnlyList<WorkflowDef> ListenersOf(string eventKey) =>
        _byEventKey.TryGetValue(eventKey, out var listeners) ? listeners : [];

    private static string[] DistinctKeys(WorkflowDef def) => def.EventTriggers.Distinct(StringComparer.Ordinal).ToArray();

    private void AddListener(string key, Registration registration)
    {
        if (!_byEventKey.TryGetValue(key, out var listeners))
        {
            _byEventKey[key] = listeners = [];
        }

        // A new name has the highest ordinal and appends; only a new version that adds a key inserts earlier.
        var at = listeners.Count;
        while (at > 0 && _byName[listeners[at - 1].Name].Ordinal > registration.Ordinal)
        {
            at--;
        }

        listeners.Insert(at, registration.Current);
    }

    /// <summary>A workflow name's registration: its place in registration order and its current version.</summary>
    private sealed class Registration(long ordinal, WorkflowDef current, string[] eventKeys)
    {
        public long Ordinal { get; } = ordinal;

        public WorkflowDef Current { get; set; } = current;

        public string[] EventKeys { get; set; } = eventKeys;
    }
}

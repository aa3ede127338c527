using System.Diagnostics.CodeAnalysis;
using MageFlow.Hatchet.DevEngine.Core.Model;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.DevEngine.Core.Workflows;

/// <summary>
/// The registered workflows, found by name (triggers, in O(1)) and by event key (pushes: triggers without a wildcard
/// in O(1), wildcard triggers by a scan). A name keeps its workflow id and its place in registration order across versions.
/// </summary>
internal sealed class WorkflowRegistry(ILogger log)
{
    private readonly Dictionary<string, Registration> _byName = new(StringComparer.Ordinal);

    // Each event trigger of a current version, as (registration, pattern): those without a wildcard by the key they
    // match, the others in a list. A workflow appears once per trigger that matches, as a push triggers it once per
    // matching trigger (one row per WorkflowTriggerEventRef in ListWorkflowsForEvents).
    private readonly Dictionary<string, List<Registration>> _byLiteralKey = new(StringComparer.Ordinal);
    private readonly List<(Registration Registration, EventKeyPattern Pattern)> _wildcards = [];
    private long _nextOrdinal;

    /// <summary>Stores a parsed workflow version, replacing the previous version of its name.</summary>
    /// <param name="parsed">The definition from <see cref="WorkflowDefinitionParser"/>.</param>
    /// <returns>The stored definition, with its workflow id.</returns>
    public WorkflowDef Register(WorkflowDef parsed)
    {
        WorkflowDef def;
        if (_byName.TryGetValue(parsed.Name, out var registration))
        {
            def = parsed with { WorkflowId = registration.Current.WorkflowId, CreatedAt = registration.Current.CreatedAt };
            RemoveTriggers(registration);
            registration.Current = def;
            registration.Patterns = PatternsOf(def);
        }
        else
        {
            def = parsed with { WorkflowId = Guid.NewGuid().ToString() };
            registration = new Registration(_nextOrdinal++, def, PatternsOf(def));
            _byName.Add(def.Name, registration);
        }

        AddTriggers(registration);
        Log.WorkflowRegistered(log, def.Name, def.Tasks.Count);
        return def;
    }

    /// <summary>Forgets a workflow and its event triggers; registering its name again gives it a new id.</summary>
    /// <param name="name">The workflow's name.</param>
    public void Remove(string name)
    {
        if (_byName.Remove(name, out var registration))
        {
            RemoveTriggers(registration);
        }
    }

    /// <summary>Gets the current version of every workflow, in registration order.</summary>
    public IEnumerable<WorkflowDef> All => _byName.Values.OrderBy(r => r.Ordinal).Select(r => r.Current);

    /// <summary>Finds the current version of a workflow.</summary>
    /// <param name="name">The workflow's name.</param>
    /// <param name="def">The current version, when found.</param>
    /// <returns><see langword="true"/> when the workflow is registered.</returns>
    public bool TryGet(string name, [NotNullWhen(true)] out WorkflowDef? def)
    {
        def = _byName.TryGetValue(name, out var registration) ? registration.Current : null;
        return def is not null;
    }

    /// <summary>Gets the workflows a pushed event key triggers, in registration order, once per matching trigger.</summary>
    /// <param name="eventKey">The event key.</param>
    /// <returns>The current versions of the triggered workflows.</returns>
    public IReadOnlyList<WorkflowDef> ListenersOf(string eventKey)
    {
        List<Registration>? matched = null;
        if (_byLiteralKey.TryGetValue(eventKey, out var literal))
        {
            matched = [.. literal];
        }

        foreach (var (registration, pattern) in _wildcards)
        {
            if (pattern.Matches(eventKey))
            {
                (matched ??= []).Add(registration);
            }
        }

        return matched is null ? [] : [.. matched.OrderBy(r => r.Ordinal).Select(r => r.Current)];
    }

    private static EventKeyPattern[] PatternsOf(WorkflowDef def) =>
        def.EventTriggers.Distinct(StringComparer.Ordinal).Select(EventKeyPattern.Parse).ToArray();

    private void AddTriggers(Registration registration)
    {
        foreach (var pattern in registration.Patterns)
        {
            if (pattern.Literal is { } key)
            {
                if (!_byLiteralKey.TryGetValue(key, out var list))
                {
                    _byLiteralKey[key] = list = [];
                }

                list.Add(registration);
            }
            else
            {
                _wildcards.Add((registration, pattern));
            }
        }
    }

    private void RemoveTriggers(Registration registration)
    {
        foreach (var pattern in registration.Patterns)
        {
            if (pattern.Literal is { } key && _byLiteralKey.TryGetValue(key, out var list))
            {
                list.RemoveAll(r => ReferenceEquals(r, registration));
                if (list.Count == 0)
                {
                    _byLiteralKey.Remove(key);
                }
            }
        }

        _wildcards.RemoveAll(w => ReferenceEquals(w.Registration, registration));
    }

    /// <summary>A workflow name's registration: its place in registration order, its current version and that version's event triggers.</summary>
    private sealed class Registration(long ordinal, WorkflowDef current, EventKeyPattern[] patterns)
    {
        public long Ordinal { get; } = ordinal;

        public WorkflowDef Current { get; set; } = current;

        public EventKeyPattern[] Patterns { get; set; } = patterns;
    }
}

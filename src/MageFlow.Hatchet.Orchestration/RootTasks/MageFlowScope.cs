namespace MageFlow.Hatchet.Orchestration.RootTasks;

/// <summary>Scopes that control root-task capture.</summary>
public static class MageFlowScope
{
    private static readonly AsyncLocal<RootScope?> CurrentScope = new();

    /// <summary>Gets the id of the root swarm that captures publishes on this async flow, or <see langword="null"/>.</summary>
    public static string? CurrentRootSwarmId => Current?.SwarmId;

    internal static RootScope? Current => CurrentScope.Value is { Excluded: false } s ? s : null;

    /// <summary>
    /// Opens a scope in which publishes are not captured by the enclosing root task: they run independently,
    /// outside its concurrency limit, and do not hold back its callbacks. Scopes nest and flow with async code;
    /// disposing restores capture.
    /// </summary>
    /// <returns>The scope; dispose it to end it.</returns>
    public static IDisposable WithoutRootSwarm()
    {
        var previous = CurrentScope.Value;
        CurrentScope.Value = previous is null ? null : previous with { Excluded = true };
        return new Restore(previous);
    }

    internal static IDisposable Enter(RootScope scope)
    {
        var previous = CurrentScope.Value;
        CurrentScope.Value = scope;
        return new Restore(previous);
    }

    private sealed class Restore(RootScope? previous) : IDisposable
    {
        public void Dispose() => CurrentScope.Value = previous;
    }
}

namespace MageFlow.Hatchet.TestUtils;

/// <summary>Unique names, so tests that share an engine or a Redis never see each other's tasks or keys.</summary>
public static class Names
{
    /// <summary>A unique task, workflow or worker name that starts with <paramref name="name"/>.</summary>
    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)];

    /// <summary>A fresh MageFlow key prefix.</summary>
    public static string NewPrefix() => "test-" + Guid.NewGuid().ToString("N")[..12];
}

/// <summary>How long tests wait. Imported statically by the test projects, so <c>.WaitAsync(Wait)</c> reads the same everywhere.</summary>
public static class Timeouts
{
    /// <summary>How long a test waits for any single thing to happen.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
}

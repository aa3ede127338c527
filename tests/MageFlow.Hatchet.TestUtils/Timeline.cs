using System.Collections.Concurrent;
using System.Diagnostics;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>A monotonic clock shared by every handler of a test: event order, never durations.</summary>
public sealed class Timeline
{
    private readonly ConcurrentDictionary<string, long> _events = new(StringComparer.Ordinal);

    public void Mark(string what) => _events[what] = Stopwatch.GetTimestamp();

    public long this[string what] => _events.TryGetValue(what, out var at) ? at : throw new Xunit.Sdk.XunitException($"'{what}' never happened; seen: {string.Join(", ", _events.Keys)}");

    public IReadOnlyList<long> Matching(string prefix) => [.. _events.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Value)];
}

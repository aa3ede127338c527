using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Tests.Orchestration;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Tests.RootTasks;

/// <summary>
/// Root-task tests that run everything in this process: one dev engine and the real redis-server of
/// <see cref="MageFlowFixture"/> (a missing Redis fails every test, never skips). A collection of its own, so
/// these run beside the Orchestration tests rather than after them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RootTasksCollection : ICollectionFixture<MageFlowFixture>
{
    public const string Name = "root tasks";
}

/// <summary>Root-task tests with other processes (a TypeScript worker, a killed worker host): mostly waiting, so apart.</summary>
[CollectionDefinition(Name)]
public sealed class RootTaskProcessesCollection : ICollectionFixture<MageFlowFixture>
{
    public const string Name = "root tasks with other processes";
}

public sealed record RootIn(int N, string? Tag = null);

public sealed record RootOut(int Spawned);

public sealed record ChildIn(int N);

public sealed record ChildOut(int N);

/// <summary>A chain step: the first gets <c>N</c>, the next ones the previous step's result.</summary>
public sealed record StepIn(int N, [property: ReturnValue] ChildOut? Prev);

/// <summary>A root callback's input: the list of its children's results.</summary>
public sealed record ResultsIn([property: JsonPropertyName("mageflow_results")] List<JsonElement>? Results);

/// <summary>A root callback's input with typed child results.</summary>
public sealed record ChildResultsIn([property: JsonPropertyName("mageflow_results")] List<ChildOut>? Results);

/// <summary>A monotonic clock shared by every handler of a test: event order, never durations.</summary>
public sealed class Timeline
{
    private readonly ConcurrentDictionary<string, long> _events = new(StringComparer.Ordinal);

    public void Mark(string what) => _events[what] = Stopwatch.GetTimestamp();

    public long this[string what] => _events.TryGetValue(what, out var at) ? at : throw new Xunit.Sdk.XunitException($"'{what}' never happened; seen: {string.Join(", ", _events.Keys)}");

    public IReadOnlyList<long> Matching(string prefix) => [.. _events.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Value)];
}

internal static class RootTaskAssert
{
    /// <summary>Keys of signatures under <paramref name="prefix"/> whose name starts with <paramref name="namePrefix"/>.</summary>
    public static async Task<List<string>> SignaturesNamedAsync(IConnectionMultiplexer redis, string prefix, string namePrefix)
    {
        var db = redis.GetDatabase();
        var found = new List<string>();
        var sigKeys = MageFlowFixture.Keys(prefix).Signature(string.Empty);
        await foreach (var key in redis.GetServers()[0].KeysAsync(db.Database, sigKeys + "*", pageSize: 1000))
        {
            var name = (string?)await db.HashGetAsync(key, "name");
            if (name?.StartsWith(namePrefix, StringComparison.Ordinal) == true)
            {
                found.Add(((string)key!)[sigKeys.Length..]);
            }
        }

        return found;
    }

    /// <summary>Reads fields of a signature hash.</summary>
    public static async Task<Dictionary<string, string?>> FieldsAsync(IConnectionMultiplexer redis, string prefix, string id, params string[] fields)
    {
        var values = await redis.GetDatabase().HashGetAsync(MageFlowFixture.SigKey(prefix, id), [.. fields.Select(f => (RedisValue)f)]);
        return fields.Zip(values, (f, v) => (f, (string?)v)).ToDictionary(p => p.f, p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>Waits (no polling of our own: MageFlow's waiter) until a signature, contained or not, is final; returns its status.</summary>
    public static async Task<SignatureStatus> FinalStatusAsync(MageFlowClient mf, string id)
    {
        var signature = await mf.GetAsync(id) ?? throw new Xunit.Sdk.XunitException($"signature {id} does not exist");
        try
        {
            await signature.ResultAsync<JsonElement>().WaitAsync(MageFlowFixture.Wait);
            return SignatureStatus.Done;
        }
        catch (SignatureFailedException e)
        {
            return e.Status;
        }
        catch (TimeoutException)
        {
            var all = await mf.Redis.GetDatabase().HashGetAllAsync(MageFlowFixture.SigKey(mf.Options.KeyPrefix, id));
            throw new Xunit.Sdk.XunitException($"signature {id} did not finish in time; its record: {string.Join(", ", all.Select(e => $"{e.Name}={e.Value}"))}");
        }
    }
}

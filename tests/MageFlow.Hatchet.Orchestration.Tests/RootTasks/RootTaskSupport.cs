using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Tests.RootTasks;

/// <summary>
/// Root-task tests that run everything in this process: one dev engine and the real redis-server of
/// <see cref="MageFlowFixture"/> (a missing Redis fails every test, never skips). A collection of its own, so
/// these run beside the other MageFlow tests rather than after them.
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

internal static class RootTaskAssert
{
    /// <summary>Ids of the signatures of the test whose name starts with <paramref name="namePrefix"/>.</summary>
    public static async Task<List<string>> SignaturesNamedAsync(FlowHarness h, string namePrefix)
    {
        var db = h.Db;
        var found = new List<string>();
        const string sig = ":sig:";
        await foreach (var key in RedisAssert.KeysAsync(h.Redis, db.Database, h.Prefix))
        {
            var text = (string)key!;
            var at = text.IndexOf(sig, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var name = (string?)await db.HashGetAsync(key, "name");
            if (name?.StartsWith(namePrefix, StringComparison.Ordinal) == true)
            {
                found.Add(text[(at + sig.Length)..]);
            }
        }

        return found;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after <c>Wait</c>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException("the condition did not hold in time");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Reads fields of a signature hash.</summary>
    public static async Task<Dictionary<string, string?>> FieldsAsync(FlowHarness h, string id, params string[] fields)
    {
        var values = await h.Db.HashGetAsync(h.Keys.Signature(id), [.. fields.Select(f => (RedisValue)f)]);
        return fields.Zip(values, (f, v) => (f, (string?)v)).ToDictionary(p => p.f, p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>The id of the root swarm of root signature <paramref name="rootId"/>.</summary>
    public static async Task<string> RootSwarmIdAsync(FlowHarness h, string rootId) => (await FieldsAsync(h, rootId, "root_swarm"))["root_swarm"]!;

    /// <summary>Waits (no polling of our own: MageFlow's waiter) until a signature, contained or not, is final; returns its status.</summary>
    public static async Task<SignatureStatus> FinalStatusAsync(MageFlowClient mf, string id)
    {
        var signature = await mf.GetAsync(id) ?? throw new Xunit.Sdk.XunitException($"signature {id} does not exist");
        try
        {
            await signature.ResultAsync<JsonElement>().WaitAsync(Wait);
            return SignatureStatus.Done;
        }
        catch (SignatureFailedException e)
        {
            return e.Status;
        }
        catch (TimeoutException)
        {
            var all = await mf.Redis.GetDatabase().HashGetAllAsync(new RedisKeys(mf.Options.KeyPrefix).Signature(id));
            throw new Xunit.Sdk.XunitException($"signature {id} did not finish in time; its record: {string.Join(", ", all.Select(e => $"{e.Name}={e.Value}"))}");
        }
    }
}

/// <summary>Starts a root task the way the root-task tests do: sign its callbacks, sign it with them, run it.</summary>
internal static class RootRuns
{
    /// <summary>Signs <paramref name="onDone"/>, then <paramref name="root"/> with it as success callback, and runs the root with <paramref name="input"/>.</summary>
    public static async Task<(TaskSignature Root, TaskSignature Callback)> StartAsync(MageFlowClient mf, WorkflowDeclarationBase root, object input, WorkflowDeclarationBase onDone)
    {
        var callback = await mf.SignAsync(onDone);
        var rootSig = await mf.SignAsync(root, successCallbacks: [callback]);
        await rootSig.RunNoWaitAsync(input);
        return (rootSig, callback);
    }

    /// <summary>Signs <paramref name="onDone"/> and <paramref name="onError"/>, then <paramref name="root"/> with them as its callbacks, and runs the root with <paramref name="input"/>.</summary>
    public static async Task<(TaskSignature Root, TaskSignature Callback, TaskSignature ErrorCallback)> StartAsync(MageFlowClient mf, WorkflowDeclarationBase root, object input, WorkflowDeclarationBase onDone, WorkflowDeclarationBase onError)
    {
        var callback = await mf.SignAsync(onDone);
        var errorCallback = await mf.SignAsync(onError);
        var rootSig = await mf.SignAsync(root, successCallbacks: [callback], errorCallbacks: [errorCallback]);
        await rootSig.RunNoWaitAsync(input);
        return (rootSig, callback, errorCallback);
    }

    /// <summary>
    /// In a root body: signs <paramref name="child"/> once per slot of <paramref name="ids"/>, notes each signature's id
    /// there and runs it with <paramref name="input"/> of its index, one after the other.
    /// </summary>
    public static async Task SpawnAsync<TIn>(MageFlowClient mf, WorkflowDeclarationBase child, string[] ids, Func<int, TIn> input)
    {
        for (var n = 0; n < ids.Length; n++)
        {
            var sig = await mf.SignAsync(child);
            ids[n] = sig.Id;
            await sig.RunNoWaitAsync(input(n));
        }
    }
}

using MageFlow.Hatchet.Orchestration.State.Scripts;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Tests;

/// <summary>
/// Slot buckets (docs/redis-schema.md): one flow's keys share one cluster slot, different flows spread, a pending
/// signature linked across buckets moves (copy-on-link), and flows written before buckets still finish. scripts/test.sh
/// runs this class on the 3-master Redis Cluster too.
/// </summary>
[Collection(MageFlowCollection.Name)]
public sealed class SlotBucketTests(MageFlowFixture fixture)
{
    [Fact]
    public void KeySlot_MatchesRedisClusterSpec()
    {
        // CLUSTER KEYSLOT's answers (the spec's CRC16 check value, and a hash tag).
        Assert.Equal(12182, KeySlot.Of("foo"));
        Assert.Equal(12739, KeySlot.Of("123456789"));
        Assert.Equal(KeySlot.Of("user1000"), KeySlot.Of("{user1000}.following"));
    }

    [Fact]
    public async Task TwoFlows_KeysLandInDifferentSlots()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N)));
        var (onDone, callbacks) = h.Recorder<ListIn, int>("done", i => i.MageflowResults?.Count ?? -1);
        var root = h.Task<In, Out>("root", async (input, ctx) =>
        {
            var mf = h.MageFlow;
            for (var n = 0; n < 3; n++)
            {
                await (await mf.SignAsync(item)).RunNoWaitAsync(new In(n));
            }

            var chain = await mf.ChainAsync([await mf.SignAsync(item), await mf.SignAsync(item)]);
            await chain.RunNoWaitAsync(new In(9));
            return new Out(input.N);
        }).AsRoot();
        var mf = await h.StartAsync(slots: 20);

        // One root flow: the root's signature, its swarm, every child (a chain's steps too) and its callback.
        var callback = await mf.SignAsync(onDone);
        var rootSig = await mf.SignAsync(root, successCallbacks: [callback]);
        await rootSig.RunNoWaitAsync(new In(1));
        Assert.Equal(4, (await callbacks.First).MageflowResults?.Count);
        await rootSig.ResultAsync<Out>().WaitAsync(Wait);
        var swarmId = (string)(await h.Db.HashGetAsync(h.Keys.Signature(rootSig.Id), Fields.RootSwarm))!;
        var children = (await h.Db.ListRangeAsync(h.Keys.Swarm(swarmId, SwarmPart.Items))).Select(v => (string)v!).ToList();
        var steps = new List<string>();
        foreach (var child in children)
        {
            steps.AddRange(((string?)await h.Db.HashGetAsync(h.Keys.Signature(child), Fields.Tasks) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries));
        }

        Assert.Equal(4, children.Count);
        Assert.Equal(2, steps.Count);
        List<string> rootKeys = [
            h.Keys.Signature(rootSig.Id), h.Keys.Signature(callback.Id), h.Keys.Signature(swarmId),
            h.Keys.Swarm(swarmId, SwarmPart.Items), h.Keys.Swarm(swarmId, SwarmPart.Results),
            .. children.Select(h.Keys.Signature), .. steps.Select(h.Keys.Signature)];
        foreach (var key in rootKeys)
        {
            Assert.True(await h.Db.KeyExistsAsync(key), $"{key} exists");
        }

        Assert.Single(rootKeys.Select(k => KeySlot.Of(k)).Distinct());

        // Flows made one after another outside any body take different buckets, so their keys spread over slots.
        var flows = new List<SwarmSignature>();
        for (var f = 0; f < 4; f++)
        {
            var items = await mf.SignManyAsync(item, Enumerable.Range(0, 3).Select(n => (object?)new { n }));
            var swarm = await mf.SwarmAsync(items, closed: true);
            Assert.Equal(new[] { 0, 1, 2 }, (await swarm.RunAsync<List<Out>>().WaitAsync(Wait)).Select(o => o.Value).Order());
            Assert.All(items, i => Assert.Equal(SignatureBucket.Of(swarm.Id), SignatureBucket.Of(i.Id)));
            flows.Add(swarm);
        }

        Assert.Equal(4, flows.Select(s => SignatureBucket.Of(s.Id)).Distinct().Count());
        var slots = new List<int>();
        foreach (var swarm in flows)
        {
            var items = (await h.Db.ListRangeAsync(h.Keys.Swarm(swarm.Id, SwarmPart.Items))).Select(v => (string)v!).ToList();
            List<string> keys = [h.Keys.Signature(swarm.Id), h.Keys.Swarm(swarm.Id, SwarmPart.Items), h.Keys.Swarm(swarm.Id, SwarmPart.Results), .. items.Select(h.Keys.Signature)];
            slots.Add(Assert.Single(keys.Select(k => KeySlot.Of(k)).Distinct()));
        }

        Assert.True(slots.Distinct().Count() > 1, $"four flows in four buckets landed in slots {string.Join(',', slots)}");
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task LinkAcrossBuckets_PendingSignatureMoves_HandleFollowsAndOldIdForwards()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N * 2)));
        var (onDone, successes) = h.Recorder<ListIn, int>("done", i => i.MageflowResults?.Count ?? -1);
        var mf = await h.StartAsync(slots: 20);

        var first = await mf.SignAsync(item, new { n = 1 });
        var second = await mf.SignAsync(item, new { n = 2 });
        var callback = await mf.SignAsync(onDone);
        var oldSecond = second.Id;
        var oldCallback = callback.Id;
        Assert.NotEqual(SignatureBucket.Of(first.Id), SignatureBucket.Of(oldSecond));

        // The swarm takes its first item's bucket; the second item and the callback move there.
        var swarm = await mf.SwarmAsync([first, second], successCallbacks: [callback], closed: true);
        Assert.Equal(SignatureBucket.Of(first.Id), SignatureBucket.Of(swarm.Id));
        Assert.Equal(SignatureBucket.MovedInto(oldSecond, SignatureBucket.Of(swarm.Id)), second.Id);
        Assert.Equal(SignatureBucket.Of(swarm.Id), SignatureBucket.Of(callback.Id));
        Assert.Equal(SignatureBucket.UniquePart(oldCallback), SignatureBucket.UniquePart(callback.Id));
        Assert.Equal(second.Id, (await mf.GetAsync(oldSecond))?.Id);
        Assert.Equal(swarm.Id, (string?)await h.Db.HashGetAsync(h.Keys.Signature(second.Id), Fields.Parent));

        await swarm.RunNoWaitAsync();
        Assert.Equal(2, (await successes.First).MageflowResults?.Count);
        Assert.Equal(new[] { 2, 4 }, (await swarm.ResultAsync<List<Out>>().WaitAsync(Wait)).Select(o => o.Value).Order());

        // A signature that runs on its own is a flow of its own: it cannot move into another flow.
        var running = await mf.SignAsync(item, new { n = 3 });
        await running.RunNoWaitAsync();
        await running.ResultAsync<Out>().WaitAsync(Wait);
        var other = await mf.SwarmAsync(name: "other");
        Assert.NotEqual(SignatureBucket.Of(other.Id), SignatureBucket.Of(running.Id));
        var refused = await Assert.ThrowsAsync<MageFlowStateException>(() => other.AddTaskAsync(running));
        Assert.Equal("owned", refused.Reason);
        await other.CancelAsync();
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task LegacyFlow_WrittenBeforeBuckets_FinishesAfterUpgrade()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N + 1)));
        var (onDone, callbacks) = h.Recorder<ResultIn, int>("done", i => i.MageflowResults?.Value ?? -1);
        var children = new ConcurrentQueue<string>();
        var root = h.Task<In, Out>("root", async (input, ctx) =>
        {
            var child = await h.MageFlow.SignAsync(item);
            children.Enqueue(child.Id);
            await child.RunNoWaitAsync(new In(input.N));
            return new Out(input.N);
        }).AsRoot();
        var mf = await h.StartAsync(slots: 20);

        // Written the way MageFlow wrote them before slot buckets: GUID ids, keys under {prefix}.
        var callbackId = Guid.NewGuid().ToString();
        var taskId = Guid.NewGuid().ToString();
        var rootId = Guid.NewGuid().ToString();
        var ttl = new TtlOptions(TimeSpan.FromHours(1), MageFlowFixture.DoneTtl);
        await mf.Scripts.Create.RunAsync(callbackId, ttl.Active, new SignatureRecord(SignatureKind.Task, onDone.WorkflowName, ttl).ToFields(), "task", default);
        await mf.Scripts.Create.RunAsync(taskId, ttl.Active, new SignatureRecord(SignatureKind.Task, item.WorkflowName, ttl) { SuccessCallbacks = [callbackId] }.ToFields(), "task", default);
        await mf.Scripts.Create.RunAsync(rootId, ttl.Active, new SignatureRecord(SignatureKind.Task, root.WorkflowName, ttl).ToFields(), "task", default);
        Assert.True(await h.Db.KeyExistsAsync("{" + h.Prefix + "}:sig:" + taskId));

        var task = await mf.GetAsync(taskId) ?? throw new Xunit.Sdk.XunitException("the legacy signature is not found");
        Assert.Equal(taskId, task.Id);
        Assert.Equal(new Out(5), await task.RunAsync<Out>(new In(4)).WaitAsync(Wait));
        Assert.Equal(new Out(5), (await callbacks.First).MageflowResults);

        // A legacy root's body makes its children in the legacy bucket, with its swarm.
        var rootSig = await mf.GetAsync(rootId) ?? throw new Xunit.Sdk.XunitException("the legacy root is not found");
        Assert.Equal(new Out(7), await rootSig.RunAsync<Out>(new In(7)).WaitAsync(Wait));
        var swarmId = (string)(await h.Db.HashGetAsync(h.Keys.Signature(rootId), Fields.RootSwarm))!;
        Assert.Equal(SignatureBucket.Legacy, SignatureBucket.Of(swarmId));
        var childId = Assert.Single(children);
        Assert.Equal(SignatureBucket.Legacy, SignatureBucket.Of(childId));
        Assert.True(await h.Db.KeyExistsAsync("{" + h.Prefix + "}:sig:" + childId));
        Assert.Equal(SignatureStatus.Done, await RootTasks.RootTaskAssert.FinalStatusAsync(mf, childId));
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task Takeover_DeadOwnerWithRunsInTwoBuckets_EveryBucketTakenOverThenOwnerRemoved()
    {
        // No MageFlow attached on this prefix: no sweeper races the takeover called here.
        var prefix = Names.NewPrefix();
        var keys = new RedisKeys(prefix);
        var runner = new ScriptRunner(fixture.Redis, keys, TimeProvider.System, new MageFlowOptions().RedisRetry);
        var scripts = new MageFlowScripts(runner);
        var db = fixture.Redis.GetDatabase();
        var ttl = new TtlOptions(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1));
        string[] ids = [SignatureBucket.Join(Guid.NewGuid().ToString(), "1"), SignatureBucket.Join(Guid.NewGuid().ToString(), "2"), Guid.NewGuid().ToString()];
        for (var i = 0; i < ids.Length; i++)
        {
            var fields = new SignatureRecord(SignatureKind.Task, "t", ttl) { Status = SignatureStatus.Active }.ToFields();
            fields.AddRange(["owner", "dead", "run", "run-" + i]);
            await scripts.Create.RunAsync(ids[i], ttl.Active, fields, "task", default);
            await db.HashSetAsync(RedisKeys.OwnerRuns(keys.PrefixOf(ids[i]), "dead"), "run-" + i, ids[i]);
            await db.KeyExpireAsync(RedisKeys.OwnerRuns(keys.PrefixOf(ids[i]), "dead"), TimeSpan.FromMinutes(5));
        }

        await db.SortedSetAddAsync(keys.Owners, "dead", 0);
        await db.KeyExpireAsync(keys.Owners, TimeSpan.FromMinutes(5));

        var taken = await scripts.Owners.RunAsync("me", DateTimeOffset.UtcNow - TimeSpan.FromSeconds(15), default);

        Assert.Equal(ids.Select((id, i) => ("run-" + i, id)).Order(), taken.Order());
        for (var i = 0; i < ids.Length; i++)
        {
            var bucket = keys.PrefixOf(ids[i]);
            Assert.Equal(ids[i], (string?)await db.HashGetAsync(RedisKeys.OwnerRuns(bucket, "me"), "run-" + i));
            Assert.False(await db.KeyExistsAsync(RedisKeys.OwnerRuns(bucket, "dead")));
            Assert.Equal("me", (string?)await db.HashGetAsync(keys.Signature(ids[i]), "owner"));
        }

        Assert.Null(await db.SortedSetScoreAsync(keys.Owners, "dead"));
        Assert.NotNull(await db.SortedSetScoreAsync(keys.Owners, "me"));
        Assert.Empty(await scripts.Owners.RunAsync("me", DateTimeOffset.UtcNow - TimeSpan.FromSeconds(15), default));
    }
}

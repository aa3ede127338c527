using System.Text.Json;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Tests.RootTasks;

/// <summary>
/// A worker process serving a root task and its children dies (kill -9) while children are in flight. The engine
/// hands the children's runs to a second worker process once the first one's heartbeats lapse, and the second
/// process's MageFlow takes over the runs the dead one tracked once its owner lease lapses. The root swarm must
/// still finish exactly once, with every child's result counted once.
/// </summary>
[Collection(RootTaskProcessesCollection.Name)]
public sealed class RootTaskKillTests(MageFlowFixture fixture)
{
    public sealed record HostChildOut(int N, int Pid);

    [Fact]
    public async Task RootWorkerProcess_KilledWithChildrenInFlight_SecondWorkerFinishesAndCallbackFiresOnce()
    {
        const int Children = 6;
        const int Limit = 3;

        // Its own engine, which gives up on a silent worker after 3 s (the hosts beat every second).
        await using var h = await fixture.FlowOnOwnEngineAsync(new DevEngineOptions { HeartbeatTimeout = TimeSpan.FromSeconds(3), ReassignTimeout = TimeSpan.FromSeconds(3) });
        var prefix = h.Prefix;
        var marks = "roothost:" + prefix + ":";
        var db = h.Db;
        var subscriber = h.Redis.GetSubscriber();
        var events = RedisChannel.Literal(marks + "events");
        using var started = new SemaphoreSlim(0);
        var callbackRan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await subscriber.SubscribeAsync(events, (_, message) =>
        {
            var what = (string)message!;
            if (what.StartsWith("started:", StringComparison.Ordinal))
            {
                started.Release();
            }
            else if (what == "callback")
            {
                callbackRan.TrySetResult();
            }
        });
        RootWorkerHostProcess? first = null;
        RootWorkerHostProcess? second = null;
        try
        {
            first = await RootWorkerHostProcess.StartAsync(h.Engine.ClientEnvironment, MageFlowFixture.RedisConfiguration, prefix, Limit);

            // This process only publishes the root. Its lease is long on purpose: only the second worker may take over.
            var mf = await h.AttachAsync(o => o.OwnerLeaseTimeout = TimeSpan.FromMinutes(10));
            var callback = await mf.SignAsync(prefix + "-callback");
            var root = await mf.SignAsync(prefix + "-root", successCallbacks: [callback]);
            await root.RunNoWaitAsync(new { count = Children });

            // The root body has returned (its swarm is closed) and the first wave of children is held in the first process.
            Assert.Equal(Children, (await root.ResultAsync<JsonElement>().WaitAsync(Wait)).GetProperty("spawned").GetInt32());
            for (var i = 0; i < Limit; i++)
            {
                await started.WaitAsync(Wait);
            }

            await first.KillHard();
            second = await RootWorkerHostProcess.StartAsync(h.Engine.ClientEnvironment, MageFlowFixture.RedisConfiguration, prefix, Limit);
            await db.StringSetAsync(marks + "release", "1", TimeSpan.FromMinutes(10));
            await subscriber.PublishAsync(RedisChannel.Literal(marks + "release"), "go");

            await callbackRan.Task.WaitAsync(Wait);
            Assert.Equal(Children, await callback.ResultAsync<int>().WaitAsync(Wait));
            var received = (await db.ListRangeAsync(marks + "callback-results")).Select(v => JsonSerializer.Deserialize<List<HostChildOut>>((string)v!, JsonSerializerOptions.Web)!).ToList();
            var results = Assert.Single(received);
            Assert.Equal(Enumerable.Range(0, Children), results.Select(r => r.N));
            Assert.All(results, r => Assert.Equal(second.Pid, r.Pid));
            for (var n = 0; n < Children; n++)
            {
                // The first wave started in the dead process and again in the second; every child completed once.
                Assert.Equal(n < Limit ? 2 : 1, (int)await db.StringGetAsync(marks + "started:" + n));
                Assert.Equal(1, (int)await db.StringGetAsync(marks + "done:" + n));
            }

            // The root swarm counted each child once.
            var swarmId = await RootTaskAssert.RootSwarmIdAsync(h, root.Id);
            var swarm = await RootTaskAssert.FieldsAsync(h, swarmId, "status", "total", "nok", "nfail", "running");
            Assert.Equal(("done", "6", "6", "0", "0"), (swarm["status"], swarm["total"], swarm["nok"], swarm["nfail"], swarm["running"]));
            Assert.Equal(Children, await db.HashLengthAsync(h.Keys.Swarm(swarmId, SwarmPart.Results)));

            await h.AssertRedisCleanAsync();
            Assert.Equal(1, (int)await db.StringGetAsync(marks + "callback"));
            Assert.Single(await db.ListRangeAsync(marks + "callback-results"));
        }
        catch (Exception e) when (first is not null)
        {
            throw new Xunit.Sdk.XunitException($"{e.GetType().Name}: {e.Message}\n--- first host:\n{first.Output}\n--- second host:\n{second?.Output}", e);
        }
        finally
        {
            await subscriber.UnsubscribeAsync(events);
            if (second is not null)
            {
                await second.DisposeAsync();
            }

            if (first is not null)
            {
                await first.DisposeAsync();
            }

            var keys = new List<RedisKey> { marks + "callback", marks + "callback-results", marks + "release" };
            for (var n = 0; n < Children; n++)
            {
                keys.Add(marks + "started:" + n);
                keys.Add(marks + "done:" + n);
            }

            // One key per call: on a Redis Cluster the marks live in different slots.
            await Task.WhenAll(keys.Select(k => db.KeyDeleteAsync(k)));
        }
    }
}

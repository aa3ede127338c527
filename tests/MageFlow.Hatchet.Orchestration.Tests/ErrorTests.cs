using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Interceptors;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Tests;

[Collection(MageFlowCollection.Name)]
public sealed class ErrorTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task SignAsync_KwargsNotAnObject_ThrowsArgumentException()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N)));
        var mf = await h.AttachAsync();

        var array = await Assert.ThrowsAsync<ArgumentException>(() => mf.SignAsync(item, new[] { 1, 2 }));
        Assert.Contains("JSON object", array.Message, StringComparison.Ordinal);
        Assert.Contains(item.WorkflowName, array.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => mf.SignAsync(item, "[1]"));
        await Assert.ThrowsAsync<ArgumentException>(() => mf.SignAsync(item.Name, new List<string> { "a" }));

        var keys = new List<string>();
        await foreach (var key in RedisAssert.KeysAsync(h.Redis, h.Db.Database, h.Prefix))
        {
            if (((string)key!).Contains(":sig:", StringComparison.Ordinal))
            {
                keys.Add((string)key!);
            }
        }

        Assert.Empty(keys);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task Worker_SignatureDeleted_FailsWithoutRetryAndKeepsServing()
    {
        var attempts = new AttemptCounter();
        await using var h = fixture.Flow(o => o.Interceptors.Add(attempts));
        var handled = 0;
        var item = h.Task<In, Out>(
            "item",
            (i, _) =>
            {
                Interlocked.Increment(ref handled);
                return Task.FromResult(new Out(i.N * 2));
            },
            new TaskOptions { Retries = 3 });
        attempts.TaskName = item.TaskName;
        var mf = await h.StartAsync(slots: 20);

        var doomed = await mf.SignAsync(item, new { n = 1 });
        Assert.True(await h.Db.KeyDeleteAsync(h.Keys.Signature(doomed.Id)));
        var options = new RunOptions();
        options.AdditionalMetadata["task_id"] = doomed.Id;

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => item.RunAsync(new In(1), options).WaitAsync(Wait));
        Assert.Contains("was deleted", e.Message, StringComparison.Ordinal);
        Assert.Contains(doomed.Id, e.Message, StringComparison.Ordinal);
        Assert.Equal(1, attempts.Count);
        Assert.Equal(0, Volatile.Read(ref handled));
        await Assert.ThrowsAsync<MageFlowStateException>(() => doomed.RunNoWaitAsync());

        // The same worker goes on serving signatures of the same task.
        var healthy = await mf.SignAsync(item);
        Assert.Equal(new Out(8), await healthy.RunAsync<Out>(new { n = 4 }).WaitAsync(Wait));
        await h.AssertRedisCleanAsync();
        Assert.Equal(2, attempts.Count);
    }

    [Fact]
    public async Task Worker_SignatureRecordCorrupted_FailsClearlyWhileOtherFlowCompletes()
    {
        using var gate = new Gate();
        var attempts = new AttemptCounter();
        await using var h = fixture.Flow(o => o.Interceptors.Add(attempts));
        var item = h.Task("item", gate.Passing<In, Out>(i => new Out(i.N)), new TaskOptions { Retries = 2 });
        attempts.TaskName = item.TaskName;
        var mf = await h.StartAsync(slots: 20);

        // A healthy swarm is running (held at the gate) while another signature's record is not a hash any more.
        var swarm = await mf.SwarmAsync([await mf.SignAsync(item, new { n = 1 }), await mf.SignAsync(item, new { n = 2 })], closed: true);
        await swarm.RunNoWaitAsync();
        await gate.ArrivalsAsync(2);
        var corrupted = await mf.SignAsync(item);
        var db = h.Db;
        await db.KeyDeleteAsync(h.Keys.Signature(corrupted.Id));
        await db.StringSetAsync(h.Keys.Signature(corrupted.Id), "not a hash", MageFlowFixture.DoneTtl);
        var options = new RunOptions();
        options.AdditionalMetadata["task_id"] = corrupted.Id;

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => item.RunAsync(new In(3), options).WaitAsync(Wait));
        Assert.Contains("corrupted state", e.Message, StringComparison.Ordinal);
        Assert.Contains(corrupted.Id, e.Message, StringComparison.Ordinal);
        Assert.Equal(3, attempts.Count);

        gate.Open();
        Assert.Equal([new Out(1), new Out(2)], await swarm.ResultAsync<List<Out>>().WaitAsync(Wait));
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task ResultAsync_SwarmRecordDeletedMidFlow_ThrowsClearErrorWhileOtherSwarmCompletes()
    {
        using var gate = new Gate();
        await using var h = fixture.Flow();
        var held = h.Task("held", gate.Passing<In, Out>(i => new Out(i.N)));
        var free = h.Task<In, Out>("free", (i, _) => Task.FromResult(new Out(i.N)));
        var mf = await h.StartAsync(slots: 20);

        var brokenItems = new List<Signature> { await mf.SignAsync(held, new { n = 1 }), await mf.SignAsync(held, new { n = 2 }), await mf.SignAsync(held, new { n = 3 }) };
        var broken = await mf.SwarmAsync(brokenItems, new SwarmConfig(MaxConcurrency: 1), closed: true);
        await broken.RunNoWaitAsync();
        await gate.ArrivalsAsync(1);
        var healthyItems = new List<Signature>();
        for (var n = 0; n < 5; n++)
        {
            healthyItems.Add(await mf.SignAsync(free, new { n }));
        }

        var healthy = await mf.SwarmAsync(healthyItems, new SwarmConfig(MaxConcurrency: 2), closed: true);
        var healthyRun = healthy.RunAsync<List<Out>>();
        var waiting = broken.ResultAsync<List<Out>>();

        Assert.True(await h.Db.KeyDeleteAsync(h.Keys.Signature(broken.Id)));
        gate.Open();

        var e = await Assert.ThrowsAsync<MageFlowStateException>(() => waiting.WaitAsync(Wait));
        Assert.Equal("missing", e.Reason);
        Assert.Contains(broken.Id, e.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 5).Select(n => new Out(n)), await healthyRun.WaitAsync(Wait));
        Assert.Equal(new Out(1), await brokenItems[0].ResultAsync<Out>().WaitAsync(Wait));

        // The orphaned items never run; cancel them. The broken swarm's own lists lost their owner record, so nothing can
        // expire them early; nor can its flow end, so the flows index keeps the TTL that flow needed (bounded, not kept).
        await Task.WhenAll(brokenItems.Skip(1).Select(s => s.CancelAsync()));
        var brokenBucket = h.Keys.PrefixOf(broken.Id);
        Assert.True(await h.Db.SetContainsAsync(RedisKeys.LiveFlows(brokenBucket), broken.Id));
        Assert.False(await h.Db.SetContainsAsync(RedisKeys.LiveFlows(h.Keys.PrefixOf(healthy.Id)), healthy.Id));
        await h.AssertRedisCleanAsync(key =>
            key.StartsWith(h.Keys.Swarm(broken.Id, SwarmPart.Queue)[..^"queue".Length], StringComparison.Ordinal) || key == RedisKeys.Flows(brokenBucket) || key == RedisKeys.LiveFlows(brokenBucket));
        Assert.Equal(1, gate.Entered);
    }

    [Fact]
    public async Task SwarmWithCorruptedNumericSetting_ClearErrorNamingSwarmAndField_OtherSwarmCompletes()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N)));
        var mf = await h.StartAsync(slots: 20);

        var broken = await mf.SwarmAsync([await mf.SignAsync(item, new { n = 1 })], new SwarmConfig(MaxConcurrency: 2, MaxTasks: 5));
        var healthy = await mf.SwarmAsync([await mf.SignAsync(item, new { n = 2 }), await mf.SignAsync(item, new { n = 3 })], closed: true);
        var db = h.Db;
        await db.HashSetAsync(h.Keys.Signature(broken.Id), [new HashEntry("maxc", "lots"), new HashEntry("maxn", "five")]);

        // Starting it, or adding to it, fails with the swarm and the field named, instead of running on defaults.
        var start = await Assert.ThrowsAnyAsync<Exception>(() => broken.RunNoWaitAsync());
        Assert.Contains($"corrupted state of {broken.Id}: field maxc is not a number: lots", start.Message, StringComparison.Ordinal);
        var add = await Assert.ThrowsAnyAsync<Exception>(() => broken.AddTaskAsync(mf.SignAsync(item, new { n = 4 }).Result));
        Assert.Contains($"corrupted state of {broken.Id}: field maxn is not a number: five", add.Message, StringComparison.Ordinal);

        // Another swarm is untouched.
        Assert.Equal([new Out(2), new Out(3)], await healthy.RunAsync<List<Out>>().WaitAsync(Wait));
        Assert.Equal(SignatureStatus.Pending, await broken.GetStatusAsync());
    }

    /// <summary>Counts attempts of one task, outside MageFlow's wrapper (so refused runs count too).</summary>
    internal sealed class AttemptCounter : HatchetInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public string? TaskName { get; set; }

        public override Task<string> ExecuteTaskAsync(TaskExecutionInput input, Func<TaskExecutionInput, Task<string>> continuation)
        {
            if (input.Context.TaskName == TaskName)
            {
                Interlocked.Increment(ref _count);
            }

            return continuation(input);
        }
    }
}

using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Tests;

[Collection(SdkCollection.Name)]
public sealed class TaskRunTests(DevEngineFixture fixture)
{
    public sealed record Greeting(string Name);

    public sealed record Reply(string Message, int Attempt);

    [Fact]
    public async Task RunAsync_StandaloneTask_ReturnsOutput()
    {
        await using var h = fixture.Harness();
        var hello = h.Task<Greeting, Reply>("hello", (input, ctx) => Task.FromResult(new Reply($"hi {input.Name}", ctx.RetryCount)));
        await h.StartWorkerAsync(slots: 10);
        var reply = await hello.RunAsync(new Greeting("ada")).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("hi ada", reply.Message);
        Assert.Equal(0, reply.Attempt);
    }

    [Fact]
    public async Task RunAsync_FailingTaskWithRetries_ThrowsTaskRunFailedAfterAllAttempts()
    {
        await using var h = fixture.Harness();
        var attempts = 0;
        var flaky = h.Task<Greeting, Reply>(
            "flaky",
            (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new InvalidOperationException("always broken");
            },
            new TaskOptions { Retries = 2 });
        await h.StartWorkerAsync(slots: 10);
        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => flaky.RunAsync(new Greeting("x")).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("always broken", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, attempts);
    }
}

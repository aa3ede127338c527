using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Tests;

/// <summary>What a task may return: nothing at all, any JSON where no task reads it, and a JSON object where a task does.</summary>
[Collection(SdkCollection.Name)]
public sealed class TaskOutputTests(DevEngineFixture fixture)
{
    public sealed record In(int N);

    public sealed record Out(int N)
    {
        public string? Note { get; init; }
    }

    [Fact]
    public async Task HandlerWithoutOutput_ReportsAnEmptyObjectAndAThrowOnlyHandlerCompiles()
    {
        await using var h = fixture.Harness();
        var seen = new Probe<In>();
        var fireAndForget = h.Client.Task<In>(Names.Unique("no-output"), (input, _) =>
        {
            seen.Record(input);
            return Task.CompletedTask;
        });

        // A handler that only throws needs no unreachable return (CS0162 is an error in this repository).
        var alwaysFails = h.Client.Task<In>(Names.Unique("only-throws"), (input, _) => throw new NonRetryableException($"refused {input.N}"));
        await h.StartWorkerAsync(slots: 4);

        Assert.Equal(NoOutput.Instance, await fireAndForget.RunAsync(new In(3)).WaitAsync(Wait));
        Assert.Equal(new In(3), await seen.First);
        var failed = await Assert.ThrowsAsync<TaskRunFailedException>(() => alwaysFails.RunAsync(new In(4)).WaitAsync(Wait));
        Assert.Contains("refused 4", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DagParentReturningANumber_FailsWithoutRetryNamingTaskAndWorkflow_ChildNeverRuns()
    {
        await using var h = fixture.Harness();
        var attempts = 0;
        var childRuns = 0;
        var wf = h.Workflow<In>("scalar-parent")
            .Task(
                "count",
                (input, _) =>
                {
                    Interlocked.Increment(ref attempts);
                    return Task.FromResult(input.N);
                },
                new TaskOptions { Retries = 3 })
            .Task(
                "use",
                (_, ctx) =>
                {
                    Interlocked.Increment(ref childRuns);
                    return Task.FromResult(new Out(0));
                },
                null,
                "count");
        await h.StartWorkerAsync(slots: 4);

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => wf.RunAsync(new In(5)).WaitAsync(Wait));
        Assert.Contains(nameof(InvalidTaskOutputException), e.Message, StringComparison.Ordinal);
        Assert.Contains("task 'count' returned a JSON number", e.Message, StringComparison.Ordinal);
        Assert.Contains(wf.WorkflowName, e.Message, StringComparison.Ordinal);
        Assert.Equal(1, attempts);
        Assert.Equal(0, childRuns);
    }

    [Fact]
    public async Task StandaloneTaskReturningAListOrANumber_KeepsItsValue()
    {
        await using var h = fixture.Harness();
        var list = h.Task<In, List<int>>("list", (input, _) => Task.FromResult(Enumerable.Range(0, input.N).ToList()));
        var number = h.Task<In, int>("number", (input, _) => Task.FromResult(input.N * 7));
        await h.StartWorkerAsync(slots: 4);

        Assert.Equal([0, 1, 2], await list.RunAsync(new In(3)).WaitAsync(Wait));
        Assert.Equal(42, await number.RunAsync(new In(6)).WaitAsync(Wait));
    }

    [Fact]
    public async Task OutputWithNulCharacter_FailsWithoutRetryInsteadOfReachingTheEngineStore()
    {
        await using var h = fixture.Harness();
        var attempts = 0;
        var nul = h.Task<In, Out>(
            "nul",
            (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                return Task.FromResult(new Out(1) { Note = "a\0b" });
            },
            new TaskOptions { Retries = 2 });
        var escaped = h.Task<In, Out>("escaped", (_, _) => Task.FromResult(new Out(2) { Note = "\\u0000 is how JSON escapes NUL" }));
        await h.StartWorkerAsync(slots: 4);

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => nul.RunAsync(new In(1)).WaitAsync(Wait));
        Assert.Contains("NUL character", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, attempts);
        Assert.Equal("\\u0000 is how JSON escapes NUL", (await escaped.RunAsync(new In(2)).WaitAsync(Wait)).Note);
    }
}

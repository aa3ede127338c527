using System.Text.Json;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Tasks;
using Xunit.Abstractions;

namespace MageFlow.Hatchet.Tests.Interop;

/// <summary>
/// The C# SDK and the official Hatchet TypeScript SDK (tests/interop/ts, 1.33.2) on one dev engine, in every
/// direction: C# runs TypeScript tasks, TypeScript runs C# tasks, and each spawns the other's tasks as children.
/// TypeScript runs as node scripts (sdk-worker.js, sdk-client.js) named after a unique prefix per test.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class TypeScriptInteropTests(DevEngineFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string ParentRunKey = "hatchet__parent_workflow_run_id";
    private readonly NodeScripts _scripts = new(output.WriteLine);

    [Fact]
    public async Task RunAsync_TaskServedOnlyByTypeScriptWorker_ReturnsTypedOutput()
    {
        var prefix = NewPrefix();
        var worker = await StartTypeScriptWorkerAsync(prefix);
        await using var h = fixture.Harness();

        var reply = await h.Client.RunAsync<GreetOutput>($"{prefix}-ts-greet", new GreetInput("Ada", 21)).WaitAsync(Wait);

        Assert.Equal(new GreetOutput("hello Ada from typescript", 42, "typescript"), reply);
        var ran = await worker.WaitForAsync("greet", Wait);
        var input = ran.GetProperty("input");
        Assert.Equal("Ada", input.GetProperty("name").GetString());
        Assert.Equal(21, input.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task RunAsync_TypeScriptTaskThrows_ThrowsTaskRunFailedWithTheTypeScriptError()
    {
        var prefix = NewPrefix();
        await StartTypeScriptWorkerAsync(prefix);
        await using var h = fixture.Harness();
        var task = $"{prefix}-ts-fail";

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => h.Client.RunAsync<GreetOutput>(task, new FailInput("the disk is full")).WaitAsync(Wait));

        // The summary carries the TypeScript error's message; Errors keeps what the worker reported
        // (the TypeScript SDK sends {"message": ..., "stack": ...}).
        Assert.Equal($"run {e.RunId} failed: {task}: ts-fail says: the disk is full", e.Message);
        var reported = Assert.Single(e.Errors, kv => kv.Key == task).Value;
        Assert.Contains("ts-fail says: the disk is full", reported, StringComparison.Ordinal);
        Assert.Contains("sdk-worker.js", reported, StringComparison.Ordinal);
        Assert.False(e.IsCancelled);
    }

    [Fact]
    public async Task TypeScriptClientRun_TaskServedOnlyByCSharpWorker_ReturnsOutput()
    {
        var prefix = NewPrefix();
        await using var h = fixture.Harness();
        var greet = h.Client.Task<GreetInput, CSharpGreetOutput>(
            $"{prefix}-cs-greet",
            (input, ctx) => Task.FromResult(new CSharpGreetOutput($"hello {input.Name} from csharp", input.Count * 2, ctx.WorkflowRunId)));
        await h.StartWorkerAsync(slots: 10);

        var ts = StartTypeScriptClient(greet.WorkflowName, """{"name":"Grace","count":4}""");
        var triggered = await ts.WaitForAsync("triggered", Wait);
        var result = await ts.WaitForAsync("result", Wait);

        var reply = result.GetProperty("output").Deserialize<CSharpGreetOutput>(JsonSerializerOptions.Web);
        Assert.Equal(new CSharpGreetOutput("hello Grace from csharp", 8, triggered.GetProperty("runId").GetString()!), reply);
        Assert.Equal(0, await ts.WaitForExitAsync(Wait));
    }

    [Fact]
    public async Task TypeScriptClientRun_CSharpTaskThrows_ClientGetsTheCSharpError()
    {
        var prefix = NewPrefix();
        await using var h = fixture.Harness();
        var broken = h.Client.Task<GreetInput, CSharpGreetOutput>(
            $"{prefix}-cs-broken",
            (input, _) => throw new InvalidOperationException($"no greeting for {input.Name}"));
        await h.StartWorkerAsync(slots: 10);

        var ts = StartTypeScriptClient(broken.WorkflowName, """{"name":"Linus","count":1}""");
        var error = await ts.WaitForAsync("error", Wait);

        Assert.False(error.TryGetProperty("crashed", out _), "the client script failed before the run did: " + error);
        Assert.True(error.GetProperty("isArray").GetBoolean(), "expected the SDK to reject with the run's task errors: " + error);
        Assert.Contains("InvalidOperationException: no greeting for Linus", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InsideCSharpTask_RunsTypeScriptTaskAsLinkedChildAndReturnsItsOutput()
    {
        var prefix = NewPrefix();
        var tsWorker = await StartTypeScriptWorkerAsync(prefix);
        await using var h = fixture.Harness();
        var parent = DeclareParentOfTypeScriptChild(h.Client, prefix);
        await h.StartWorkerAsync(slots: 10);

        var run = await parent.RunNoWaitAsync(new NumberInput(21)).WaitAsync(Wait);
        var result = await run.ResultAsync<CSharpParentOutput>().WaitAsync(Wait);

        Assert.Equal(run.RunId, result.RunId);
        Assert.Equal(42, result.Child.Doubled);
        Assert.NotEqual(run.RunId, result.Child.RunId);
        Assert.Equal(run.RunId, result.Child.ParentRunId);
        Assert.Equal(run.RunId, result.Child.Metadata[ParentRunKey].GetString());
        var seen = await tsWorker.WaitForAsync("child", Wait);
        Assert.Equal(run.RunId, seen.GetProperty("parentRunId").GetString());
        Assert.Equal(21, seen.GetProperty("input").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task RunAsync_CSharpParentWithMetadata_MetadataReachesTypeScriptChild()
    {
        var prefix = NewPrefix();
        await StartTypeScriptWorkerAsync(prefix);
        await using var h = fixture.Harness();
        var parent = DeclareParentOfTypeScriptChild(h.Client, prefix);
        await h.StartWorkerAsync(slots: 10);
        var options = new RunOptions();
        options.AdditionalMetadata["tenant"] = "acme";
        options.AdditionalMetadata["trace"] = prefix;

        var run = await parent.RunNoWaitAsync(new NumberInput(1), options).WaitAsync(Wait);
        var result = await run.ResultAsync<CSharpParentOutput>().WaitAsync(Wait);

        var metadata = result.Child.Metadata;
        Assert.Equal("acme", metadata["tenant"].GetString());
        Assert.Equal(prefix, metadata["trace"].GetString());
        Assert.Equal(run.RunId, metadata[ParentRunKey].GetString());
    }

    [Fact]
    public async Task RunAsync_TypeScriptTaskSpawningCSharpChild_ChildIsLinkedAndItsResultReturnsToParent()
    {
        var prefix = NewPrefix();
        var tsWorker = await StartTypeScriptWorkerAsync(prefix);
        await using var h = fixture.Harness();
        var child = h.Client.Task<NumberInput, CSharpChildOutput>(
            $"{prefix}-cs-child",
            (input, ctx) => Task.FromResult(new CSharpChildOutput(
                input.N * 3,
                ctx.WorkflowRunId,
                ctx.ParentWorkflowRunId,
                ctx.AdditionalMetadata.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal))));
        await h.StartWorkerAsync(slots: 10);
        var options = new RunOptions();
        options.AdditionalMetadata["origin"] = "csharp";

        // The C# test only starts the TypeScript parent; the TypeScript task spawns the C# child itself.
        var run = await h.Client.RunNoWaitAsync($"{prefix}-ts-parent", new SpawnInput(child.WorkflowName, 7), options).WaitAsync(Wait);
        var result = await run.ResultAsync<TypeScriptParentOutput>().WaitAsync(Wait);

        Assert.Equal(run.RunId, result.RunId);
        Assert.Equal(21, result.FromChild.Tripled);
        Assert.NotEqual(run.RunId, result.FromChild.RunId);
        Assert.Equal(run.RunId, result.FromChild.ParentRunId);
        Assert.Equal(run.RunId, result.FromChild.Metadata[ParentRunKey]);
        Assert.Equal("csharp", result.FromChild.Metadata["origin"]);
        var got = await tsWorker.WaitForAsync("parent_got", Wait);
        Assert.Equal(21, got.GetProperty("raw").GetProperty(child.WorkflowName).GetProperty("tripled").GetInt32());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Stops every script the test started and logs what they printed (shown when a test fails).</summary>
    public Task DisposeAsync() => _scripts.StopAllAsync();

    private static string NewPrefix() => "interop-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A C# task that runs the TypeScript child task of <paramref name="prefix"/> and returns the child's output.</summary>
    private static TaskDeclaration<NumberInput, CSharpParentOutput> DeclareParentOfTypeScriptChild(HatchetClient client, string prefix) =>
        client.Task<NumberInput, CSharpParentOutput>(
            $"{prefix}-cs-parent",
            async (input, ctx) =>
            {
                // No parent argument: TaskContext.Current makes the run a child of this task.
                var child = await client.RunAsync<TypeScriptChildOutput>($"{prefix}-ts-child", new NumberInput(input.N), cancellationToken: ctx.CancellationToken);
                return new CSharpParentOutput(ctx.WorkflowRunId, child);
            });

    private Task<NodeScript> StartTypeScriptWorkerAsync(string prefix) => _scripts.StartReadyAsync(fixture.Engine, "sdk-worker.js", prefix);

    private NodeScript StartTypeScriptClient(string taskName, string inputJson) => _scripts.Start(fixture.Engine, "sdk-client.js", "run", taskName, inputJson);

    public sealed record GreetInput(string Name, int Count);

    public sealed record GreetOutput(string Greeting, int Doubled, string Language);

    public sealed record CSharpGreetOutput(string Greeting, int Doubled, string RunId);

    public sealed record FailInput(string Reason);

    public sealed record NumberInput(int N);

    public sealed record SpawnInput(string Child, int N);

    public sealed record TypeScriptChildOutput(int Doubled, string RunId, string? ParentRunId, Dictionary<string, JsonElement> Metadata);

    public sealed record CSharpParentOutput(string RunId, TypeScriptChildOutput Child);

    public sealed record CSharpChildOutput(int Tripled, string RunId, string? ParentRunId, Dictionary<string, string> Metadata);

    public sealed record TypeScriptParentOutput(CSharpChildOutput FromChild, string RunId);
}

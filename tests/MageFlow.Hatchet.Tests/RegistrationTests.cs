using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Tasks;
using MageFlow.Hatchet.Worker;

namespace MageFlow.Hatchet.Tests;

[Collection(SdkCollection.Name)]
public sealed class RegistrationTests(DevEngineFixture fixture)
{
    public sealed record In(int N);

    public sealed record Out(int N);

    [Fact]
    public async Task Task_DuplicateNameOnClient_ThrowsNamingTheTask()
    {
        await using var client = fixture.NewClient();
        var name = Names.Unique("dup");
        client.Task<In, Out>(name, Echo);
        var e = Assert.Throws<InvalidWorkflowException>(() => client.Task<In, Out>(name, Echo));
        Assert.Equal($"a workflow or task named '{name}' is already declared on this client", e.Message);
        Assert.Single(client.Workflows, w => w.WorkflowName == name);
    }

    [Fact]
    public async Task Task_DuplicateNameDifferentCase_ThrowsBecauseEngineNamesAreLowerCase()
    {
        await using var client = fixture.NewClient();
        var name = Names.Unique("case");
        client.Task<In, Out>(name, Echo);
        var e = Assert.Throws<InvalidWorkflowException>(() => client.Workflow<In>(name.ToUpperInvariant()));
        Assert.Contains($"'{name}' is already declared", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5, null, "BackoffFactor must be between 1 and 1000 (0.5)")]
    [InlineData(1001.0, null, "BackoffFactor must be between 1 and 1000 (1001)")]
    [InlineData(2.0, 0, "BackoffMaxSeconds must be between 1 and 86400 (0)")]
    [InlineData(2.0, 86_401, "BackoffMaxSeconds must be between 1 and 86400 (86401)")]
    public async Task Task_BackoffOutsideTheEnginesBounds_ThrowsAtDeclaration(double factor, int? maxSeconds, string expected)
    {
        await using var client = fixture.NewClient();
        var options = new TaskOptions { Retries = 3, BackoffFactor = factor, BackoffMaxSeconds = maxSeconds };

        var e = Assert.Throws<InvalidWorkflowException>(() => client.Task<In, Out>(Names.Unique("backoff"), Echo, options));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Task_BackoffAtTheEnginesBounds_IsAccepted()
    {
        await using var client = fixture.NewClient();

        Assert.Null(Record.Exception(() => client.Task<In, Out>(Names.Unique("low"), Echo, new TaskOptions { BackoffFactor = 1, BackoffMaxSeconds = 1 })));
        Assert.Null(Record.Exception(() => client.Task<In, Out>(Names.Unique("high"), Echo, new TaskOptions { BackoffFactor = 1000, BackoffMaxSeconds = 86_400 })));
    }

    [Fact]
    public async Task Workflow_DuplicateTaskName_ThrowsNamingWorkflowAndTask()
    {
        await using var client = fixture.NewClient();
        var name = Names.Unique("wf");
        var wf = client.Workflow<In>(name).Task("step", Echo);
        var e = Assert.Throws<InvalidWorkflowException>(() => wf.Task("Step", Echo));
        Assert.Equal($"workflow '{name}' already has a task named 'step'", e.Message);
    }

    [Fact]
    public async Task Workflow_UnknownParent_ThrowsNamingTaskAndParent()
    {
        await using var client = fixture.NewClient();
        var name = Names.Unique("wf");
        var wf = client.Workflow<In>(name).Task("first", Echo);
        var e = Assert.Throws<InvalidWorkflowException>(() => wf.Task("second", Echo, null, "first", "ghost"));
        Assert.Equal($"workflow '{name}': task 'second' names unknown parent 'ghost'", e.Message);
    }

    [Fact]
    public async Task Workflow_ParentDeclaredLater_ThrowsUnknownParent()
    {
        await using var client = fixture.NewClient();
        var wf = client.Workflow<In>(Names.Unique("wf"));
        var e = Assert.Throws<InvalidWorkflowException>(() => wf.Task("child", Echo, null, "parent"));
        Assert.Contains("names unknown parent 'parent'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Task_NegativeRetries_ThrowsNamingTheOption()
    {
        await using var client = fixture.NewClient();
        var name = Names.Unique("neg");
        var e = Assert.Throws<InvalidWorkflowException>(() => client.Task<In, Out>(name, Echo, new TaskOptions { Retries = -1 }));
        Assert.Equal($"task '{name}' has invalid options: Retries must not be negative (-1)", e.Message);

        // Nothing was declared: the name is still free.
        Assert.DoesNotContain(client.Workflows, w => w.WorkflowName == name);
        client.Task<In, Out>(name, Echo);
    }

    [Fact]
    public async Task Task_Priority4_ThrowsNamingTheOption()
    {
        await using var client = fixture.NewClient();
        var name = Names.Unique("prio");
        var e = Assert.Throws<InvalidWorkflowException>(() => client.Task<In, Out>(name, Echo, new TaskOptions { DefaultPriority = 4 }));
        Assert.Equal($"task '{name}' has invalid options: DefaultPriority must be 1, 2 or 3 (4)", e.Message);
    }

    [Fact]
    public async Task Task_ZeroSlotCost_ThrowsNamingTheOption()
    {
        await using var client = fixture.NewClient();
        var name = Names.Unique("slot");
        var e = Assert.Throws<InvalidWorkflowException>(() => client.Task<In, Out>(name, Echo, new TaskOptions { SlotCost = 0 }));
        Assert.Equal($"task '{name}' has invalid options: SlotCost must be at least 1 (0)", e.Message);
    }

    [Fact]
    public async Task Task_SeveralInvalidOptions_ListsEveryProblem()
    {
        await using var client = fixture.NewClient();
        var options = new TaskOptions { Retries = -2, DefaultPriority = 0, SlotCost = -1, ExecutionTimeout = TimeSpan.Zero };
        options.Concurrency.Add(new ConcurrencyLimit("input.user", 0));
        var e = Assert.Throws<InvalidWorkflowException>(() => client.Task<In, Out>(Names.Unique("many"), Echo, options));
        Assert.Contains("Retries must not be negative (-2)", e.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultPriority must be 1, 2 or 3 (0)", e.Message, StringComparison.Ordinal);
        Assert.Contains("SlotCost must be at least 1 (-1)", e.Message, StringComparison.Ordinal);
        Assert.Contains("ExecutionTimeout must be at least 1 s", e.Message, StringComparison.Ordinal);
        Assert.Contains("concurrency 'input.user' needs an expression and MaxRuns >= 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkflowTask_InvalidOptions_ThrowsNamingWorkflowAndTask()
    {
        await using var client = fixture.NewClient();
        var name = Names.Unique("wf");
        var wf = client.Workflow<In>(name);
        var e = Assert.Throws<InvalidWorkflowException>(() => wf.Task("step", Echo, new TaskOptions { Retries = -1 }));
        Assert.Equal($"task '{name}.step' has invalid options: Retries must not be negative (-1)", e.Message);
    }

    [Fact]
    public async Task Workflow_Priority4_ThrowsNamingTheOption()
    {
        await using var client = fixture.NewClient();
        var name = Names.Unique("wfprio");
        var e = Assert.Throws<InvalidWorkflowException>(() => client.Workflow<In>(name, new WorkflowOptions { DefaultPriority = 4 }));
        Assert.Contains($"workflow '{name}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultPriority must be 1, 2 or 3 (4)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Workflows, w => w.WorkflowName == name);
    }

    [Fact]
    public async Task Workflow_SecondOnFailure_Throws()
    {
        await using var client = fixture.NewClient();
        var name = Names.Unique("wf");
        var wf = client.Workflow<In>(name).Task("step", Echo).OnFailure("cleanup", Echo);
        var e = Assert.Throws<InvalidWorkflowException>(() => wf.OnFailure("cleanup2", Echo));
        Assert.Equal($"workflow '{name}' already has an on-failure task", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Task_EmptyName_Throws(string name)
    {
        await using var client = fixture.NewClient();
        var e = Assert.Throws<InvalidWorkflowException>(() => client.Task<In, Out>(name, Echo));
        Assert.Equal("a workflow or task name must not be empty", e.Message);
    }

    [Fact]
    public async Task Worker_SameActionFromTwoClients_ThrowsNamingTheAction()
    {
        await using var a = fixture.NewClient();
        await using var b = fixture.NewClient();
        var name = Names.Unique("shared");
        var options = new HatchetWorkerOptions(Names.Unique("w"));
        options.Workflows.Add(a.Task<In, Out>(name, Echo));
        options.Workflows.Add(b.Task<In, Out>(name, Echo));
        var e = Assert.Throws<InvalidWorkflowException>(() => a.Worker(options));
        Assert.Equal($"action '{name}:{name}' is declared twice", e.Message);
    }

    [Fact]
    public async Task Worker_ZeroSlots_ThrowsConfigurationException()
    {
        await using var client = fixture.NewClient();
        var e = Assert.Throws<HatchetConfigurationException>(() => client.Worker(Names.Unique("w"), 0));
        Assert.Contains("Slots must be at least 1 (got 0)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ValidDeclarations_RegistersAndServes()
    {
        await using var h = fixture.Harness();
        var wf = h.Workflow<In>("wf")
            .Task("first", Echo)
            .Task("second", (i, ctx) => Task.FromResult(new Out(ctx.ParentOutput<Out>("first").N + i.N)), null, "first");
        await h.StartWorkerAsync(slots: 5);
        var result = await wf.RunAsync(new In(21)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(42, result.Get<Out>("second").N);
    }

    private static Task<Out> Echo(In input, TaskContext ctx) => Task.FromResult(new Out(input.N));
}

using System.Reflection;
using System.Text.Json;
using MageFlow.Hatchet.Orchestration.Flows;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace MageFlow.Hatchet.Orchestration.Viewer.Tests;

/// <summary><c>hatchet-dev-engine mcp</c> as an agent sees it: the official MCP C# client over stdio lists the tools, then
/// reads a flow, a signature and a task's logs from the engine.</summary>
[Collection(ViewerCollection.Name)]
public sealed class McpServerTests(MageFlowFixture fixture)
{
    private static readonly string CliDll = Path.Combine(
        Repo.Root, "src", "MageFlow.Hatchet.DevEngine.Cli", "bin",
        typeof(McpServerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!,
        "net10.0", "hatchet-dev-engine.dll");

    [Fact]
    public async Task Mcp_OverStdio_ListsReadToolsOnly_ThenReadsAFlowItsSignatureAndTaskLogs()
    {
        await using var h = fixture.Flow();
        var leaf = h.Task<ItemIn, ItemOut>("logged-leaf", async (i, ctx) =>
        {
            await ctx.LogAsync($"leaf {i.N} says hello");
            return new ItemOut(i.N);
        });
        var root = h.Task<ItemIn, ItemOut>("mcp-root", async (i, _) =>
        {
            await leaf.RunNoWaitAsync(new ItemIn(1));
            await leaf.RunNoWaitAsync(new ItemIn(2));
            return new ItemOut(2);
        }).AsRoot(maxConcurrency: 2);
        var mageFlow = await h.StartAsync(slots: 10);
        var sig = await root.SignAsync();
        await sig.RunNoWaitAsync(new ItemIn(0));
        Assert.Equal(FlowStatus.Done, (await sig.Flow.WaitAsync().WaitAsync(Wait)).Status);

        await using var client = await StartAsync(h.Prefix, actions: false);
        var tools = (await client.ListToolsAsync()).Select(t => t.Name).Order().ToList();
        Assert.Equal(["get_flow_tree", "get_signature", "list_flows", "list_registry", "read_task_logs"], tools);

        var flows = await CallAsync(client, "list_flows", new() { ["status"] = "done" });
        Assert.Equal(sig.Id, Assert.Single(flows.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());

        var tree = await CallAsync(client, "get_flow_tree", new() { ["id"] = sig.Id });
        Assert.Equal("root", tree.GetProperty("summary").GetProperty("kind").GetString());
        var children = tree.GetProperty("children").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, children.Count);
        Assert.All(children, c => Assert.Equal("done", c.GetProperty("status").GetString()));

        var childId = children[0].GetProperty("id").GetString()!;
        var signature = await CallAsync(client, "get_signature", new() { ["id"] = childId });
        Assert.Equal(sig.Id, (await mageFlow.Inspector.GetNodeAsync(sig.Id))!.Summary.Id);
        Assert.False(string.IsNullOrEmpty(signature.GetProperty("summary").GetProperty("runId").GetString()));

        var logs = await CallAsync(client, "read_task_logs", new() { ["id"] = childId });
        var lines = logs.GetProperty("tasks").EnumerateArray().SelectMany(t => t.GetProperty("lines").EnumerateArray()).Select(l => l.GetProperty("message").GetString()).ToList();
        Assert.Contains(lines, l => l is not null && l.StartsWith("leaf ", StringComparison.Ordinal) && l.EndsWith(" says hello", StringComparison.Ordinal));

        var registry = await CallAsync(client, "list_registry", []);
        Assert.Contains(registry.EnumerateObject(), p => p.Name.StartsWith("logged-leaf", StringComparison.Ordinal) && p.Value.GetString() == "dotnet");

        // Bad input is a tool error the agent can read, and the server keeps serving.
        var missing = await client.CallToolAsync("get_signature", new Dictionary<string, object?> { ["id"] = "no-such-signature" });
        Assert.True(missing.IsError == true);
        Assert.Contains("no signature 'no-such-signature'", Text(missing), StringComparison.Ordinal);
        Assert.Equal(sig.Id, (await CallAsync(client, "list_flows", [])).GetProperty("items")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Mcp_WithActions_OffersThemAndCancelsASignature()
    {
        await using var h = fixture.Flow();
        var idle = h.Task<ItemIn, ItemOut>("idle", (i, _) => Task.FromResult(new ItemOut(i.N)));
        var mageFlow = await h.AttachAsync();
        var pending = await mageFlow.SignAsync(idle);

        await using var client = await StartAsync(h.Prefix, actions: true);
        var tools = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        Assert.Contains("cancel_signature", tools);
        Assert.Contains("retry_signature", tools);
        var result = await client.CallToolAsync("cancel_signature", new Dictionary<string, object?> { ["id"] = pending.Id });
        Assert.True(result.IsError != true, Text(result));
        Assert.Equal(SignatureStatus.Canceled, await pending.GetStatusAsync());
    }

    private async Task<McpClient> StartAsync(string prefix, bool actions)
    {
        var args = new List<string> { CliDll, "mcp", "--redis", MageFlowFixture.RedisConfiguration, "--mageflow-prefix", prefix };
        if (actions)
        {
            args.Add("--actions");
        }

        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "hatchet-dev-engine mcp",
            Command = "dotnet",
            Arguments = args,
            EnvironmentVariables = fixture.Engine.ClientEnvironment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value),
        });
        return await McpClient.CreateAsync(transport).WaitAsync(Wait);
    }

    private static async Task<JsonElement> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments).AsTask().WaitAsync(Wait);
        Assert.True(result.IsError != true, $"{tool} failed: {Text(result)}");
        return JsonDocument.Parse(Text(result)).RootElement.Clone();
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}

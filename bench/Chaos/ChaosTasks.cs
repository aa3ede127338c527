using System.Text.Json;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.RootTasks;
using MageFlow.Hatchet.Orchestration.Signatures;
using MageFlow.Hatchet.Tasks;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Bench.Chaos;

/// <summary>
/// The workload's C# tasks, declared the same way by the driver (which signs them) and by each worker process
/// (which serves them). The TypeScript worker (tests/interop/ts/chaos-worker.js) serves <see cref="TsLeafName"/>.
/// </summary>
internal sealed class ChaosTasks
{
    public const string TsLeafName = "chaos-ts-leaf";

    private ChaosTasks(HatchetClient client, IDatabase? ledger)
    {
        // Retries: a leaf whose worker loses Redis mid-run fails that attempt, and the engine runs it again.
        var retried = new TaskOptions { Retries = 3 };
        Leaf = client.Task("chaos-leaf", async (LeafInput input, TaskContext ctx) =>
        {
            // One leaf in five outlives 500 ms, so MageFlow follows it through the engine's run events (where
            // duplicated events land) rather than only through the worker's own report.
            await Task.Delay(Random.Shared.Next(5) == 0 ? Random.Shared.Next(600, 1500) : Random.Shared.Next(5, 150), ctx.CancellationToken);
            return new LeafOutput(Step.LeafValue(input.X, input.Prev?.V));
        }, retried);
        Callback = client.Task("chaos-callback", async (CallbackInput input, TaskContext ctx) =>
        {
            // The ledger is the bench's second redis-server, which no fault touches. One member per engine run:
            // a retried attempt of the same run adds nothing, a second run of the same callback adds a member.
            // The result is written first, so a recorded run always has its result beside it.
            var db = ledger ?? throw new InvalidOperationException("the driver does not serve callbacks");
            await db.HashSetAsync(ChaosLedger.ResultsKey, input.Flow, input.Results.GetRawText());
            await db.SetAddAsync(ChaosLedger.CallbackRunsKey(input.Flow), ctx.WorkflowRunId);
            return new LeafOutput(0);
        }, retried);
        var rootOptions = new TaskOptions { Retries = 3 };
        Root = client.Task("chaos-root", async (RootInput input, TaskContext ctx) =>
        {
            var mageflow = MageFlowClient.Current;
            foreach (var step in input.Steps)
            {
                await PublishAsync(mageflow, step, input.Flow);
            }

            return new LeafOutput(input.Steps.Count);
        }, rootOptions).AsRoot(maxConcurrency: 3);
    }

    public TaskDeclaration<LeafInput, LeafOutput> Leaf { get; }

    public TaskDeclaration<CallbackInput, LeafOutput> Callback { get; }

    public TaskDeclaration<RootInput, LeafOutput> Root { get; }

    public static ChaosTasks Declare(HatchetClient client, IDatabase? ledger) => new(client, ledger);

    /// <summary>
    /// MageFlow's settings for the driver and every worker. Finished records are kept for two hours instead of five
    /// minutes: the verifier reads each flow's final status after the drain, and a flow that finished early in a
    /// 15-minute run would otherwise have expired (an expired record reads as pending).
    /// </summary>
    public static MageFlowOptions MageFlowOptions(string redis, string prefix) => new()
    {
        RedisConfiguration = redis,
        KeyPrefix = prefix,
        Ttl = new TtlOptions(TimeSpan.FromHours(24), TimeSpan.FromHours(2)),
    };

    /// <summary>Signs one step (a leaf, chain, nested root or swarm) without running it.</summary>
    public async Task<Signature> SignAsync(MageFlowClient mageflow, Step step, string flow, IEnumerable<Signature>? successCallbacks = null)
    {
        switch (step.Kind)
        {
            case "leaf":
                return await mageflow.SignAsync(Leaf, new { x = step.X }, successCallbacks);
            case "ts":
                return await mageflow.SignAsync(TsLeafName, new { x = step.X }, successCallbacks);
            case "chain":
                var steps = new List<Signature>();
                foreach (var s in step.Steps!)
                {
                    steps.Add(await SignAsync(mageflow, s, flow));
                }

                return await mageflow.ChainAsync(steps, successCallbacks: successCallbacks);
            case "swarm":
                var items = new List<Signature>();
                foreach (var s in step.Steps!)
                {
                    items.Add(await SignAsync(mageflow, s, flow));
                }

                return await mageflow.SwarmAsync(items, new SwarmConfig(MaxConcurrency: step.X), successCallbacks: successCallbacks, closed: true);
            case "root":
                return await mageflow.SignAsync(Root, successCallbacks: successCallbacks);
            default:
                throw new InvalidOperationException("unknown step kind " + step.Kind);
        }
    }

    /// <summary>The message a signed step runs with: a root's children travel in it, everything else is bound.</summary>
    public static object? MessageFor(Step step, string flow) => step.Kind == "root" ? new RootInput(flow, step.Steps!) : null;

    private async Task PublishAsync(MageFlowClient mageflow, Step step, string flow)
    {
        var signature = await SignAsync(mageflow, step, flow);
        await signature.RunNoWaitAsync(MessageFor(step, flow));
    }

    internal sealed record LeafInput(int X, [property: ReturnValue] LeafOutput? Prev);

    internal sealed record LeafOutput(int V);

    internal sealed record RootInput(string Flow, List<Step> Steps);

    internal sealed record CallbackInput(string Flow, [property: ReturnValue] JsonElement Results);
}

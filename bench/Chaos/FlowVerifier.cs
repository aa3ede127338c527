using MageFlow.Hatchet.Orchestration.Exceptions;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.Orchestration.Signatures;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Bench.Chaos;

/// <summary>A flow the driver submitted: its spec and, once created, its top signature.</summary>
internal sealed class SubmittedFlow(FlowSpec spec)
{
    public FlowSpec Spec { get; } = spec;

    public Signature? Signature { get; set; }

    public string? SubmitError { get; set; }
}

/// <summary>
/// Checks every flow against its spec once the drain is over: its status (MageFlow's state), and the callback's
/// runs and payload (the ledger). Counts go to the summary; each problem is printed with the flow's id.
/// </summary>
internal static class FlowVerifier
{
    /// <summary>Waits until every flow is final (or the drain time runs out); returns the ids of those still not final.</summary>
    public static async Task<HashSet<string>> DrainAsync(IReadOnlyList<SubmittedFlow> flows, IDatabase ledger, TimeSpan drain)
    {
        var pending = flows.Where(f => f.Signature is not null).ToList();
        var deadline = DateTimeOffset.UtcNow + drain;
        while (true)
        {
            var next = new List<SubmittedFlow>();
            foreach (var flow in pending)
            {
                if (!await IsFinalAsync(flow, ledger))
                {
                    next.Add(flow);
                }
            }

            pending = next;
            if (pending.Count == 0 || DateTimeOffset.UtcNow > deadline)
            {
                return pending.Select(f => f.Spec.Id).ToHashSet(StringComparer.Ordinal);
            }

            Console.WriteLine($"  drain: {pending.Count} flow(s) not final yet");
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
    }

    public static async Task<(int Lost, int Duplicated, int Stuck, int Wrong)> VerifyAsync(IReadOnlyList<SubmittedFlow> flows, HashSet<string> stuckIds, IDatabase ledger)
    {
        int lost = 0, duplicated = 0, stuck = 0, wrong = 0;
        foreach (var flow in flows)
        {
            var id = flow.Spec.Id;
            if (flow.Signature is null)
            {
                lost++;
                Console.WriteLine($"  lost: {id} was never created ({flow.SubmitError})");
                continue;
            }

            var runs = await ledger.SetLengthAsync(ChaosLedger.CallbackRunsKey(id));
            if (stuckIds.Contains(id))
            {
                stuck++;
                var progress = await flow.Signature.Flow.GetProgressAsync();
                Console.WriteLine($"  stuck: {id} ({flow.Spec.Top.Kind}) is {progress.Status} after the drain; callback runs: {runs}");
                continue;
            }

            SignatureStatus status;
            try
            {
                status = (await flow.Signature.Flow.GetProgressAsync()).Status;
            }
            catch (MageFlowStateException e) when (e.Reason == "missing")
            {
                lost++;
                Console.WriteLine($"  lost: the record of {id} ({flow.Spec.Top.Kind}) is gone: {e.Message}");
                continue;
            }

            if (status != SignatureStatus.Done)
            {
                wrong++;
                Console.WriteLine($"  wrong: {id} ({flow.Spec.Top.Kind}) ended {status}, expected Done");
                continue;
            }

            if (runs == 0)
            {
                lost++;
                Console.WriteLine($"  lost: the callback of {id} ({flow.Spec.Top.Kind}) never ran");
                continue;
            }

            if (runs > 1)
            {
                duplicated++;
                Console.WriteLine($"  duplicated: the callback of {id} ran as {runs} engine runs");
            }

            var raw = await ledger.HashGetAsync(ChaosLedger.ResultsKey, id);
            if (raw.IsNull)
            {
                lost++;
                Console.WriteLine($"  lost: the callback of {id} ran but its result is not in the ledger");
                continue;
            }

            var received = JsonNode.Parse((string)raw!);
            var expected = flow.Spec.Top.Expected();
            if (!JsonNode.DeepEquals(received, expected))
            {
                wrong++;
                Console.WriteLine($"  wrong: the callback of {id} received {received?.ToJsonString()}, expected {expected.ToJsonString()}");
            }
        }

        return (lost, duplicated, stuck, wrong);
    }

    private static async Task<bool> IsFinalAsync(SubmittedFlow flow, IDatabase ledger)
    {
        try
        {
            var progress = await flow.Signature!.Flow.GetProgressAsync();
            return progress.IsFinished && (progress.Status != SignatureStatus.Done || await ledger.KeyExistsAsync(ChaosLedger.CallbackRunsKey(flow.Spec.Id)));
        }
        catch (RedisException)
        {
            return false;
        }
        catch (MageFlowStateException e) when (e.Reason == "missing")
        {
            // Gone: nothing more will happen to it; the verdict counts it.
            return true;
        }
    }
}

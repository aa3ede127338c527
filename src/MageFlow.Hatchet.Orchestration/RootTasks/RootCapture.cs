using System.Text.Json;
using MageFlow.Hatchet.Interceptors;
using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.Publishing;
using MageFlow.Hatchet.Orchestration.Signatures;
using MageFlow.Hatchet.Runs;

namespace MageFlow.Hatchet.Orchestration.RootTasks;

/// <summary>
/// Sees every trigger of the client. Inside a root body, a child trigger becomes an item of the root swarm: its
/// signature keeps the run's resolved metadata and input, and the caller gets a reference that resolves when the
/// swarm has run it. Every child trigger also loses the signature id its parent's metadata carries (the engine would
/// otherwise pass the child off as its parent's signature).
/// </summary>
internal sealed class RootCapture(MageFlowServices services, SignatureFactory signatures)
{
    private static readonly JsonElement NoSignature = JsonSerializer.SerializeToElement(string.Empty);

    public async Task<IReadOnlyList<WorkflowRunRef>> TriggerAsync(TriggerInput input, Func<TriggerInput, Task<IReadOnlyList<WorkflowRunRef>>> next)
    {
        var runs = input.Runs.Select(Scrub).ToList();
        if (MageFlowScope.Current is not { } scope || scope.Services != services || runs.All(r => r.Parent is null))
        {
            return await next(input with { Runs = runs }).ConfigureAwait(false);
        }

        // A trigger made with AsChild = false has no parent: it is not the root's child and runs on its own.
        var refs = new WorkflowRunRef?[runs.Count];
        var passed = new List<int>();
        for (var i = 0; i < runs.Count; i++)
        {
            if (runs[i].Parent is null)
            {
                passed.Add(i);
                continue;
            }

            refs[i] = await CaptureAsync(scope, runs[i], input.CancellationToken).ConfigureAwait(false);
        }

        if (passed.Count > 0)
        {
            var started = await next(input with { Runs = [.. passed.Select(i => runs[i])] }).ConfigureAwait(false);
            for (var i = 0; i < passed.Count; i++)
            {
                refs[passed[i]] = started[i];
            }
        }

        return refs!;
    }

    private async Task<WorkflowRunRef> CaptureAsync(RootScope scope, TriggerRun run, CancellationToken cancellationToken)
    {
        var metadata = run.AdditionalMetadata.Where(m => m.Key != Publisher.SignatureMetadataKey).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        var signature = await signatures.CreateCapturedAsync(run.WorkflowName, JsonSerializer.Serialize(metadata), CapturedTriggerOptions.From(run), run.ChildKey).ConfigureAwait(false);
        await scope.Buffer.AddAsync(signature, run.InputJson, cancellationToken).ConfigureAwait(false);
        var taskName = services.Client.FindWorkflow(run.WorkflowName) is { TaskNames: [var single] } ? single : run.WorkflowName;
        return new CapturedRunRef(services, scope.Buffer, run.WorkflowName, taskName, signature.Id);
    }

    private static TriggerRun Scrub(TriggerRun run)
    {
        if (run.Parent is null || !run.AdditionalMetadata.ContainsKey(Publisher.SignatureMetadataKey))
        {
            return run;
        }

        // Overridden rather than removed: the engine merges the parent's metadata into the child's.
        var metadata = new Dictionary<string, JsonElement>(run.AdditionalMetadata, StringComparer.Ordinal) { [Publisher.SignatureMetadataKey] = NoSignature };
        return run with { AdditionalMetadata = metadata };
    }
}

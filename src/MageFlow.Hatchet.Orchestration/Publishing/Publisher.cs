using System.Diagnostics;
using System.Text.Json;
using Grpc.Core;
using MageFlow.Hatchet.Diagnostics;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Interceptors;
using MageFlow.Hatchet.Orchestration.Diagnostics;
using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.State.Scripts;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Orchestration.Publishing;

/// <summary>
/// Starts the runs of queued signatures: claims them (unless a script already did), builds each run's input, and
/// starts them with as few bulk trigger calls as possible. A chain or swarm inside a container starts in Redis, and
/// what it queues is published in the same call. Each run carries its signature's id in its metadata (<c>task_id</c>),
/// as Python MageFlow's runs do. The caller decides how the runs are followed.
/// </summary>
internal sealed class Publisher(HatchetClient client, MageFlowScripts scripts, RunCanceller canceller, TimeSpan claimTimeout, ILogger log)
{
    /// <summary>The metadata key that carries a signature id (as Python MageFlow names it).</summary>
    public const string SignatureMetadataKey = "task_id";

    /// <summary>The input mode of a swarm item (<see cref="PublishEntry.InputMode"/>).</summary>
    private const string SwarmItemInput = "swarm";

    /// <summary>Claims and publishes queued signatures.</summary>
    public async Task<IReadOnlyList<PublishedRun>> PublishAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var entries = await scripts.Prepare.RunAsync(ids, claimTimeout, null, cancellationToken).ConfigureAwait(false);
        return await PublishEntriesAsync(entries, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Publishes entries already claimed (by on_finished or prepare_many); entries not 'ok' or 'container' are skipped.</summary>
    public async Task<IReadOnlyList<PublishedRun>> PublishEntriesAsync(IReadOnlyList<PublishEntry> entries, CancellationToken cancellationToken)
    {
        var startedAt = Stopwatch.GetTimestamp();
        try
        {
            return await PublishEntriesCoreAsync(entries, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            MageFlowTelemetry.RecordSince(MageFlowTelemetry.PublishDuration, startedAt);
        }
    }

    private async Task<IReadOnlyList<PublishedRun>> PublishEntriesCoreAsync(IReadOnlyList<PublishEntry> entries, CancellationToken cancellationToken)
    {
        var published = new List<PublishedRun>();
        var batch = entries;
        while (batch.Count > 0)
        {
            var more = new List<string>();
            var runs = new List<TriggerRun>(batch.Count);
            var starting = new List<(string Id, string Input, bool SwarmItem)>(batch.Count);
            Activity?[]? spans = null;
            foreach (var entry in batch)
            {
                if (entry.Status is not ("ok" or "container"))
                {
                    continue; // already published, held, finished, or claimed by another process
                }

                var input = RunInputs.Build(entry);
                if (entry.Status == "container")
                {
                    // A chain or swarm inside a container starts in Redis; what it queues is published next.
                    var reply = await scripts.Run.RunAsync(entry.Id, input, contained: true, cancellationToken).ConfigureAwait(false);
                    more.AddRange(reply.Queued);
                    continue;
                }

                var metadata = Metadata(entry);
                if (StartSpan(entry, metadata) is { } span)
                {
                    spans ??= new Activity?[batch.Count];
                    spans[runs.Count] = span;
                }

                runs.Add(CapturedTriggerOptions.Apply(new TriggerRun(entry.Name, input) { AdditionalMetadata = metadata }, entry.TriggerOptions));
                starting.Add((entry.Id, input, entry.InputMode == SwarmItemInput));
            }

            IReadOnlyList<string?> runIds;
            try
            {
                runIds = await TriggerAsync(runs, starting, more, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                foreach (var span in spans ?? [])
                {
                    HatchetInstrumentation.MarkFailed(span, e);
                    span?.Dispose();
                }

                throw;
            }

            var swarmItems = 0;
            for (var i = 0; i < runIds.Count; i++)
            {
                if (runIds[i] is { } runId)
                {
                    published.Add(new PublishedRun(starting[i].Id, runId, starting[i].Input, ReportedByWorker(runs[i].WorkflowName)) { SwarmItem = starting[i].SwarmItem });
                    swarmItems += starting[i].SwarmItem ? 1 : 0;
                    spans?[i]?.SetTag("messaging.message.id", runId);
                }
                else
                {
                    spans?[i]?.SetStatus(ActivityStatusCode.Error, "the engine refused the run");
                }

                spans?[i]?.Dispose();
            }

            if (swarmItems > 0)
            {
                MageFlowTelemetry.SwarmItemsQueued.Add(-swarmItems);
                MageFlowTelemetry.SwarmItemsRunning.Add(swarmItems);
            }

            batch = more.Count == 0 ? [] : await scripts.Prepare.RunAsync(more, claimTimeout, null, cancellationToken).ConfigureAwait(false);
        }

        return published;
    }

    /// <summary>Starts the runs in bulk. One bad item fails a whole bulk call: then they start one by one, and only the
    /// ones the engine refuses fail (their signatures fail; what that queues goes to <paramref name="more"/>).</summary>
    private async Task<IReadOnlyList<string?>> TriggerAsync(List<TriggerRun> runs, List<(string Id, string Input, bool SwarmItem)> starting, List<string> more, CancellationToken cancellationToken)
    {
        if (runs.Count == 0)
        {
            return [];
        }

        try
        {
            return [.. (await client.TriggerAsync(runs, cancellationToken).ConfigureAwait(false)).Select(r => r.RunId)];
        }
        catch (HatchetRpcException e) when (IsRefusal(e))
        {
            var runIds = new string?[runs.Count];
            for (var i = 0; i < runs.Count; i++)
            {
                try
                {
                    runIds[i] = (await client.TriggerAsync([runs[i]], cancellationToken).ConfigureAwait(false))[0].RunId;
                }
                catch (HatchetRpcException one) when (IsRefusal(one))
                {
                    MageFlowLog.PublishRefused(log, starting[i].Id, runs[i].WorkflowName, one);
                    var reply = await scripts.PublishFailed.RunAsync(starting[i].Id, $"the engine refused to start '{runs[i].WorkflowName}': {one.Detail}", cancellationToken).ConfigureAwait(false);
                    await canceller.CancelAsync(reply.RunsToCancel, cancellationToken).ConfigureAwait(false);
                    more.AddRange(reply.Queued);
                }
            }

            return runIds;
        }
    }

    /// <summary>
    /// Starts the producer span of one signature's run, parented to the context the signature kept from where it was
    /// made (else to the current span) and linked to the current span when that differs (the end that queued it), and
    /// puts the span's context in the run's metadata so that the run's task span is its child.
    /// </summary>
    private static Activity? StartSpan(PublishEntry entry, Dictionary<string, JsonElement> metadata)
    {
        if (!MageFlowTelemetry.Source.HasListeners())
        {
            return null;
        }

        var ambient = Activity.Current;
        ActivityLink[]? links = null;
        if (TraceContextMetadata.TryExtract(metadata, out var parent) && ambient is not null)
        {
            links = [new ActivityLink(ambient.Context)];
        }

        var span = MageFlowTelemetry.Source.StartActivity(MageFlowTelemetry.PublishSpan, ActivityKind.Producer, parent, links: links);

        // Starting a span makes it current; the next signature's span must not become its child.
        Activity.Current = ambient;
        if (span is null)
        {
            return null;
        }

        if (span.IsAllDataRequested)
        {
            span.SetTag("messaging.system", "hatchet");
            span.SetTag("messaging.operation.type", "send");
            span.SetTag("messaging.destination.name", entry.Name);
            span.SetTag("mageflow.signature_id", entry.Id);
            span.SetTag("mageflow.input_mode", entry.InputMode);
        }

        TraceContextMetadata.Inject(metadata, span);
        return span;
    }

    private static bool IsRefusal(HatchetRpcException e) => e.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument;

    /// <summary>The run's metadata: a captured trigger's own, then the signature's id.</summary>
    private static Dictionary<string, JsonElement> Metadata(PublishEntry entry)
    {
        var metadata = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (entry.Metadata.Length > 0)
        {
            using var doc = JsonDocument.Parse(entry.Metadata);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    metadata[p.Name] = p.Value.Clone();
                }
            }
        }

        metadata[SignatureMetadataKey] = JsonSerializer.SerializeToElement(entry.Id);
        return metadata;
    }

    /// <summary>Whether a C# worker with MageFlow reports this workflow's runs itself: a single-task workflow this client
    /// declares (a DAG ends with its last task, which only the engine reports).</summary>
    private bool ReportedByWorker(string workflowName) =>
        _reportedByWorker.GetOrAdd(workflowName, static (name, c) => c.FindWorkflow(name) is { TaskNames.Count: 1 }, client);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _reportedByWorker = new(StringComparer.Ordinal);
}

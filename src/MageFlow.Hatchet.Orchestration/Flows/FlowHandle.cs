using System.Globalization;
using System.Text.Json;
using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.RootTasks;
using MageFlow.Hatchet.Orchestration.Signatures;
using MageFlow.Hatchet.Orchestration.State;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Flows;

/// <summary>
/// A whole flow: a root task with every child it published (transitively), a swarm, a chain, or a single task. Await
/// its end with <see cref="WaitAsync"/>, or poll <see cref="GetProgressAsync"/>. Get one from <see cref="Signature.Flow"/>.
/// </summary>
public sealed class FlowHandle
{
    private static readonly TimeSpan RootStartPoll = TimeSpan.FromMilliseconds(100);
    private readonly MageFlowServices _services;
    private readonly Signature _signature;

    internal FlowHandle(MageFlowServices services, Signature signature)
    {
        _services = services;
        _signature = signature;
    }

    /// <summary>Gets the signature the flow starts from.</summary>
    public Signature Signature => _signature;

    /// <summary>Gets the id of the signature that carries the flow's children: a root task's swarm (once its body has
    /// started), else the signature itself.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The id, or <see langword="null"/> for a root task whose body has not started yet.</returns>
    /// <exception cref="Exceptions.MageFlowStateException">The flow's record no longer exists (reason <c>missing</c>).</exception>
    public async Task<string?> GetContainerIdAsync(CancellationToken cancellationToken = default)
    {
        if (_signature.Kind != SignatureKind.Task)
        {
            return _signature.Id;
        }

        var h = await ReadAsync(_signature.Id, [Fields.RootSwarm, Fields.Status], cancellationToken).ConfigureAwait(false);
        if ((string?)h[0] is { Length: > 0 } rootSwarm)
        {
            return rootSwarm;
        }

        // Every record has a status: none means it is gone, and a gone flow must not read as one not started yet.
        if (h[1].IsNull)
        {
            throw Missing(_signature.Id);
        }

        // A root task's body has not started yet: its flow has no swarm so far.
        return IsRootTask() && !IsFinal(h[1]) ? null : _signature.Id;
    }

    /// <summary>Waits until the flow has ended: for a root, its body and every child, transitively.</summary>
    /// <param name="cancellationToken">Stops waiting (the flow goes on).</param>
    /// <returns>How it ended.</returns>
    /// <exception cref="Exceptions.MageFlowStateException">A record of the flow no longer exists (expired).</exception>
    public async Task<FlowOutcome> WaitAsync(CancellationToken cancellationToken = default)
    {
        string? container;
        while ((container = await GetContainerIdAsync(cancellationToken).ConfigureAwait(false)) is null)
        {
            await Task.Delay(RootStartPoll, _services.Time, cancellationToken).ConfigureAwait(false);
        }

        var end = await _services.Waiter.WaitAsync(container, cancellationToken).ConfigureAwait(false);
        if (container != _signature.Id)
        {
            // A root's flow ends with both its swarm and its own run (whose failure may be recorded last).
            await _services.Waiter.WaitAsync(_signature.Id, cancellationToken).ConfigureAwait(false);
        }

        var counts = await ProgressOfAsync(container, cancellationToken).ConfigureAwait(false);
        return end.Status switch
        {
            SignatureStatus.Done => new FlowOutcome(FlowStatus.Done, Parse(end.Result), null, counts),
            SignatureStatus.Canceled => new FlowOutcome(FlowStatus.Canceled, null, end.Error ?? "canceled", counts),
            _ => new FlowOutcome(FlowStatus.Failed, null, end.Error, counts),
        };
    }

    /// <summary>Reads where the flow's children stand.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The counts; all zero (status pending) for a root task whose body has not started yet.</returns>
    /// <exception cref="Exceptions.MageFlowStateException">A record of the flow no longer exists (it expired after its
    /// done TTL, or was removed); <see cref="Exceptions.MageFlowStateException.Reason"/> is <c>missing</c>.</exception>
    public async Task<FlowProgress> GetProgressAsync(CancellationToken cancellationToken = default)
    {
        var container = await GetContainerIdAsync(cancellationToken).ConfigureAwait(false);
        return container is null
            ? new FlowProgress(0, 0, 0, 0, 0, 0, SignatureStatus.Pending)
            : await ProgressOfAsync(container, cancellationToken).ConfigureAwait(false);
    }

    private async Task<FlowProgress> ProgressOfAsync(string id, CancellationToken cancellationToken)
    {
        var keys = _services.Keys;
        var (h, queued) = await _services.Runner.DoAsync(
            async db =>
            {
                var batch = db.CreateBatch();
                var fields = batch.HashGetAsync(keys.Signature(id), [Fields.Kind, Fields.Status, Fields.Total, Fields.Running, Fields.Succeeded, Fields.Failed, Fields.Canceled, Fields.Tasks, Fields.Index]);
                var length = batch.ListLengthAsync(keys.Swarm(id, SwarmPart.Queue));
                batch.Execute();
                return (await fields.ConfigureAwait(false), await length.ConfigureAwait(false));
            },
            cancellationToken).ConfigureAwait(false);
        if (h[1].IsNull)
        {
            throw Missing(id);
        }

        var status = WireNames.StatusOf(h[1]) ?? SignatureStatus.Pending;
        return WireNames.KindOf(h[0]) switch
        {
            SignatureKind.Swarm => new FlowProgress(Int(h[2]), (int)queued, Int(h[3]), Int(h[4]), Int(h[5]), Int(h[6]), status),
            SignatureKind.Chain => ChainProgress(((string?)h[7] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).Length, Int(h[8]), status),
            _ => new FlowProgress(
                1,
                status == SignatureStatus.Pending ? 1 : 0,
                status is SignatureStatus.Active or SignatureStatus.Suspended or SignatureStatus.Interrupted ? 1 : 0,
                status == SignatureStatus.Done ? 1 : 0,
                status == SignatureStatus.Failed ? 1 : 0,
                status == SignatureStatus.Canceled ? 1 : 0,
                status),
        };
    }

    /// <summary>A chain runs one step at a time: those before <paramref name="index"/> succeeded.</summary>
    private static FlowProgress ChainProgress(int steps, int index, SignatureStatus status) => status switch
    {
        SignatureStatus.Done => new FlowProgress(steps, 0, 0, steps, 0, 0, status),
        SignatureStatus.Failed => new FlowProgress(steps, 0, 0, index, 1, steps - index - 1, status),
        SignatureStatus.Canceled => new FlowProgress(steps, 0, 0, index, 0, steps - index, status),
        SignatureStatus.Pending => new FlowProgress(steps, steps, 0, 0, 0, 0, status),
        _ => new FlowProgress(steps, steps - index - 1, 1, index, 0, 0, status),
    };

    private static Exceptions.MageFlowStateException Missing(string id) =>
        new($"the record of flow {id} does not exist (it expired after its done TTL, or was removed)", "missing");

    private bool IsRootTask() => _services.Client.FindWorkflow(_signature.Name) is { } task && task.IsRoot();

    private async Task<RedisValue[]> ReadAsync(string id, RedisValue[] fields, CancellationToken cancellationToken) =>
        await _services.Runner.DoAsync(db => db.HashGetAsync(_services.Keys.Signature(id), fields), cancellationToken).ConfigureAwait(false);

    private static bool IsFinal(RedisValue status) => WireNames.StatusOf(status) is { } s && WireNames.IsFinal(s);

    private static int Int(RedisValue value) => int.TryParse((string?)value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static JsonElement? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }
}
